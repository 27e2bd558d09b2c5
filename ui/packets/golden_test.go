package packets

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	goldenfile "mqttchat/ui/golden"
)

// TestViewGolden draws the view in each state at 40, 80 and 120 columns.
func TestViewGolden(t *testing.T) {
	states := []struct {
		name  string
		steps func(Model) Model
	}{
		{"newest", func(m Model) Model { return m }},
		{"qos2_selected", func(m Model) Model {
			return keys(m, "home", "down", "down", "down", "down", "down", "down", "down", "down")
		}},
		{"connect_selected", func(m Model) Model { return keys(m, "home") }},
		{"filter_typing", func(m Model) Model { return typeText(keys(m, "/"), "pubrec 2") }},
		{"filter_applied", func(m Model) Model { return keys(typeText(keys(m, "/"), "pub 1"), "enter") }},
		{"empty", func(m Model) Model { return newModel(m.width, m.height, nil) }},
	}
	for _, s := range states {
		for _, w := range []int{40, 80, 120} {
			t.Run(fmt.Sprintf("%s_%d", s.name, w), func(t *testing.T) {
				m := s.steps(newModel(w, 14, session()))
				got := plain(m)
				for i, line := range strings.Split(got, "\n") {
					if lw := ansi.StringWidth(line); lw > w {
						t.Errorf("line %d is %d cells wide: %q", i, lw, line)
					}
				}
				if n := strings.Count(got, "\n") + 1; n != 14 {
					t.Errorf("%d lines, want 14", n)
				}
				goldenfile.Assert(t, fmt.Sprintf("packets_%s_%d", s.name, w), got)
			})
		}
	}
}
