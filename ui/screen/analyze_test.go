package screen

import (
	"slices"
	"testing"

	"mqttchat/ui/payload"
)

// TestAnalyzeOneLineFastPath: a one-line text's lines, taken from its
// preview, are what payload.Lines makes of it.
func TestAnalyzeOneLineFastPath(t *testing.T) {
	for _, p := range []string{"plain", "with \x1b[31m escape", "bidi \u202e x", "ünïcode 👍", "tab\there", "cr\r", "two\nlines", "trailing\n"} {
		a := analyze([]byte(p))
		if a.kind != payload.Text {
			continue
		}
		lines, more := payload.Lines([]byte(p), maxTextLines)
		if !slices.Equal(a.lines, lines) || a.moreLines != more {
			t.Errorf("%q: lines %q (%d more), want %q (%d more)", p, a.lines, a.moreLines, lines, more)
		}
	}
}
