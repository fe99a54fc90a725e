package web

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeDefaultPath is where `npm ci --prefix internal/web/testdata/axe`
// (run by .ci/run) puts axe-core, relative to this package. The version is
// pinned, with its checksum, by package-lock.json beside package.json.
const axeDefaultPath = "testdata/axe/node_modules/axe-core/axe.min.js"

// axeSource returns the axe-core script: from CASETRACK_AXE (a path to
// axe.min.js) or the default install. Without it the accessibility check
// is skipped, with a message saying how to install it, except under
// CI=true, where it must run.
func axeSource(t *testing.T) (src, missing string) {
	t.Helper()
	path := os.Getenv("CASETRACK_AXE")
	if path == "" {
		path = axeDefaultPath
	}
	b, err := os.ReadFile(path)
	if err == nil && len(b) > 0 {
		return string(b), ""
	}
	abs, _ := filepath.Abs(path)
	msg := fmt.Sprintf("axe-core not found at %s (%v); install it with `npm ci --prefix internal/web/testdata/axe` "+
		"or set CASETRACK_AXE to an axe.min.js", abs, err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: the accessibility check must run)")
	}
	return "", msg
}

// axeViolation is one failed axe-core rule, with the elements it failed on.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axeRun runs axe-core on the document with the WCAG 2.x A and AA rules
// and the best practices, and keeps the serious and critical violations.
const axeRun = `axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
  resultTypes: ["violations"]
}).then(r => r.violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" "))})))`

// axeCheck injects axe-core into the page loaded in the tab and lists each
// serious or critical violation: rule id, impact, what it asks for, and
// the elements that fail it. The script goes in through DevTools, so the
// page's Content-Security-Policy does not apply to it and the page
// itself never loads it.
func axeCheck(tb *tab, src string) []string {
	tb.t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[any](src+"\n;undefined")); err != nil {
		tb.t.Fatalf("inject axe-core: %v", err)
	}
	vs, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("run axe-core: %v", err)
	}
	var problems []string
	for _, v := range vs {
		problems = append(problems, fmt.Sprintf("axe %s (%s): %s; on %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", ")))
	}
	return problems
}
