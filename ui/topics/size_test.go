package topics

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// sgr is the only escape sequence a view may hold: colours and attributes.
var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// TestEveryLineFitsInColour draws each pane at many sizes with colours on:
// the view has exactly height lines of exactly width cells, and no escape
// but SGR (the rows are painted from pieces, not by lipgloss).
func TestEveryLineFitsInColour(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	msgs := append([]msg{
		{"wide/表示/😀", "値 21 °C", true, 9},
		{"deep/a/b/c/d/e/f/g/h/i/j/k", "1", false, 9},
	}, fleet...)
	panes := map[string][]string{
		"tree":   {"home", "e", "end", "e"},
		"search": {"/", "h"},
		"values": {"end", "up", "v"},
		"plot":   {"end", "up", "p"},
	}
	for name, steps := range panes {
		for _, w := range []int{1, 5, 12, 20, 33, 40, 59, 60, 80, 121} {
			for _, h := range []int{1, 2, 3, 7, 20} {
				m := keys(newModel(w, h, msgs, 10), steps...)
				v := m.View()
				lines := strings.Split(v, "\n")
				if len(lines) != h {
					t.Errorf("%s %dx%d: %d lines", name, w, h, len(lines))
				}
				for i, l := range lines {
					if got := ansi.StringWidth(l); got != w {
						t.Errorf("%s %dx%d: line %d is %d wide: %q", name, w, h, i, got, ansi.Strip(l))
					}
					if rest := sgr.ReplaceAllString(l, ""); strings.ContainsAny(rest, "\x1b\x07") {
						t.Errorf("%s %dx%d: line %d holds a non-SGR escape: %q", name, w, h, i, l)
					}
				}
			}
		}
	}
}
