package packets

import "github.com/charmbracelet/lipgloss"

// Styles are the packets view's styles, built once.
type Styles struct {
	Out, In, Type, Words, Time, Hint, Warn, Title lipgloss.Style
	Selected, Linked                              lipgloss.Style
}

// DefaultStyles returns adaptive styles in the screen's colours.
func DefaultStyles() Styles {
	var (
		subtle = lipgloss.AdaptiveColor{Light: "#8a8a8a", Dark: "#6c6c6c"}
		accent = lipgloss.AdaptiveColor{Light: "#5a3fc0", Dark: "#a78bfa"}
		topic  = lipgloss.AdaptiveColor{Light: "#7a4a00", Dark: "#f5c26b"}
		good   = lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#4ade80"}
		warn   = lipgloss.AdaptiveColor{Light: "#b42318", Dark: "#f87171"}
	)
	return Styles{
		Out:      lipgloss.NewStyle().Foreground(accent),
		In:       lipgloss.NewStyle().Foreground(good),
		Type:     lipgloss.NewStyle().Foreground(topic).Bold(true),
		Words:    lipgloss.NewStyle(),
		Time:     lipgloss.NewStyle().Foreground(subtle),
		Hint:     lipgloss.NewStyle().Foreground(subtle),
		Warn:     lipgloss.NewStyle().Foreground(warn),
		Title:    lipgloss.NewStyle().Bold(true),
		Selected: lipgloss.NewStyle().Reverse(true),
		Linked:   lipgloss.NewStyle().Bold(true),
	}
}
