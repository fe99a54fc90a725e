package timeline

// Moderation states of a case. Only a visible case is published in the
// feed and counted in the statistics; a flagged one waits for a moderator
// (an automatic quality check held it back), a hidden one was removed by a
// moderator. The zero value of State means visible, so that cases built
// without thinking about moderation (seeding, tests) are published.
const (
	ModerationVisible = "visible"
	ModerationFlagged = "flagged"
	ModerationHidden  = "hidden"
)

// Moderation is a case's moderation state and the code of the reason it
// was flagged or hidden ("" while visible).
type Moderation struct {
	State  string
	Reason string
}

// Visible reports whether the case is published: shown in the feed and
// counted in the statistics.
func (m Moderation) Visible() bool { return m.State == "" || m.State == ModerationVisible }

// Counts reports whether the case belongs in the statistics and the feed.
func (c *Case) Counts() bool { return c != nil && c.Moderation.Visible() }
