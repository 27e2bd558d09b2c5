package paint

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// TestOnIsRender: a paint draws what its style's Render draws, under each
// colour profile; the zero Paint draws text as it is.
func TestOnIsRender(t *testing.T) {
	saved := lipgloss.ColorProfile()
	t.Cleanup(func() { lipgloss.SetColorProfile(saved) })
	st := lipgloss.NewStyle().Foreground(lipgloss.Color("203")).Bold(true)
	for _, prof := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		lipgloss.SetColorProfile(prof)
		p := New(st)
		for _, text := range []string{"a", "sensors/ütf/温度", "✓ sent · echoed"} {
			if got, want := p.On(text), st.Render(text); got != want {
				t.Errorf("profile %v: %q, Render %q", prof, got, want)
			}
		}
	}
	if got := (Paint{}).On("plain"); got != "plain" {
		t.Errorf("the zero Paint drew %q", got)
	}
}
