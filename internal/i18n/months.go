package i18n

import (
	"fmt"
	"io/fs"
	"path"

	"github.com/BurntSushi/toml"
)

// MonthNames are the month names of every language of the registry as
// its catalog writes them (date.month_1 … date.month_12), keyed by
// language code, January first. Package dateinput reads dates typed in
// any of the site's languages with them, so that the form reads the very
// words the pages write. Only locales/format/<code>.toml is read, not the
// whole catalog, which takes far longer to build than a date field may
// wait for; TestMonthNames checks the two agree.
func MonthNames() (map[string][12]string, error) {
	out := make(map[string][12]string, len(registry))
	for _, l := range registry {
		file := path.Join("locales", "format", l.Code+".toml")
		buf, err := fs.ReadFile(localeFS, file)
		if err != nil {
			return nil, fmt.Errorf("i18n: month names: %w", err)
		}
		var doc struct {
			Date map[string]struct {
				Other string `toml:"other"`
			} `toml:"date"`
		}
		if err := toml.Unmarshal(buf, &doc); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", file, err)
		}
		var names [12]string
		for i := range names {
			names[i] = doc.Date[fmt.Sprintf("month_%d", i+1)].Other
			if names[i] == "" {
				return nil, fmt.Errorf("i18n: %s has no date.month_%d", file, i+1)
			}
		}
		out[l.Code] = names
	}
	return out, nil
}
