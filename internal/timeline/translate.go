package timeline

// Translate writes a catalog message in the reader's language: the message
// id, then its placeholders as name, value pairs (i18n.Locale.T has this
// shape). Packages whose text people read take one instead of importing
// the catalog, so the dependency stays one-way.
type Translate func(id string, args ...any) string
