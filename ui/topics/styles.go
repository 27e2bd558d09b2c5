package topics

import (
	"github.com/charmbracelet/lipgloss"

	"mqttchat/ui/diff"
	"mqttchat/ui/plot"
)

// Styles are the topics view's styles, built once.
type Styles struct {
	Name, Leaf, Preview, Stats, Hint lipgloss.Style
	New, Retained, Warn, Title       lipgloss.Style
	Selected                         lipgloss.Style
	Diff                             diff.Styles
	Plot                             plot.Styles
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
		Name:     lipgloss.NewStyle().Foreground(topic).Bold(true),
		Leaf:     lipgloss.NewStyle().Foreground(topic),
		Preview:  lipgloss.NewStyle(),
		Stats:    lipgloss.NewStyle().Foreground(subtle),
		Hint:     lipgloss.NewStyle().Foreground(subtle),
		New:      lipgloss.NewStyle().Foreground(good).Bold(true),
		Retained: lipgloss.NewStyle().Foreground(accent).Bold(true),
		Warn:     lipgloss.NewStyle().Foreground(warn),
		Title:    lipgloss.NewStyle().Bold(true),
		Selected: lipgloss.NewStyle().Reverse(true),
		Diff:     diff.DefaultStyles(),
		Plot:     plot.DefaultStyles(),
	}
}
