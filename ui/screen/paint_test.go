package screen

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"mqttchat/ui/paint"
)

// TestPaintIsRender: a row style's paint draws exactly what its lipgloss
// Render draws, under every colour profile, and the paints follow a change
// of profile.
func TestPaintIsRender(t *testing.T) {
	saved := lipgloss.ColorProfile()
	t.Cleanup(func() { lipgloss.SetColorProfile(saved) })
	texts := []string{"12:00:01 ", "sensors/ütf/温度", "◀ ", " q1", "a payload … with spaces", "✓ acknowledged · echoed ×2"}
	for _, prof := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		lipgloss.SetColorProfile(prof)
		for _, noColor := range []bool{false, true} {
			s := NewStyles(noColor)
			p := s.rows()
			if p.profile != prof {
				t.Fatalf("profile %v: paints taken under %v", prof, p.profile)
			}
			if coloured := p.topic.On("x") != "x"; coloured != (prof != termenv.Ascii && !noColor) {
				t.Fatalf("profile %v noColor %v: topic paint %q", prof, noColor, p.topic.On("x"))
			}
			pairs := []struct {
				name  string
				style lipgloss.Style
				paint paint.Paint
			}{
				{"time", s.Time, p.time}, {"incoming", s.Incoming, p.incoming}, {"mine", s.Mine, p.mine},
				{"flag", s.Flag, p.flag}, {"payload", s.Payload, p.payload}, {"event", s.Event, p.event},
				{"warn", s.Warn, p.warn}, {"good", s.Good, p.good}, {"pending", s.Pending, p.pending},
				{"hint", s.Hint, p.hint}, {"topic", s.Topic, p.topicPaint(-1)}, {"palette 3", s.topicStyle(3), p.topicPaint(3)},
			}
			for _, c := range pairs {
				for _, text := range texts {
					if got, want := c.paint.On(text), c.style.Render(text); got != want {
						t.Errorf("profile %v noColor %v %s: %q, Render %q", prof, noColor, c.name, got, want)
					}
				}
			}
		}
	}
}
