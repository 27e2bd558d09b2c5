package packets

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

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

// paint is a style's escape sequences, taken once: wrapping text in them
// costs what lipgloss's Render would, without measuring and splitting the
// text again for every row drawn.
type paint struct{ pre, post string }

func paintOf(st lipgloss.Style) paint {
	const mark = "\x00"
	pre, post, ok := strings.Cut(st.Render(mark), mark)
	if !ok {
		return paint{}
	}
	return paint{pre, post}
}

// of wraps s.
func (p paint) of(s string) string {
	if p.pre == "" && p.post == "" {
		return s
	}
	return p.pre + s + p.post
}

// paints are the row styles as escape sequences.
type paints struct {
	out, in, typ, linked, words, time, selected paint
}

func newPaints(st Styles) paints {
	return paints{out: paintOf(st.Out), in: paintOf(st.In), typ: paintOf(st.Type), linked: paintOf(st.Type.Inherit(st.Linked)),
		words: paintOf(st.Words), time: paintOf(st.Time), selected: paintOf(st.Selected)}
}
