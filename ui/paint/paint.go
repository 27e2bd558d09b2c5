// Package paint draws text in a lipgloss style with the style's escape
// sequences taken once: a row of a list costs string joins, not a lipgloss
// Render per piece (each Render converts the style's colours again for the
// terminal; for a 256-colour terminal, a search of the palette for the
// nearest colour). The list of messages and the topic tree draw their rows
// this way.
package paint

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Paint is a style's escape sequences around a text. It holds for styles
// without padding, margins, borders, width or underline, applied to one
// line of sanitized text (no tabs, no line breaks): row styles. Its zero
// value draws text as it is.
type Paint struct{ pre, suf string }

// New takes the style's sequences under lipgloss's colour profile of now.
func New(s lipgloss.Style) Paint {
	r := s.Render("X")
	i := strings.IndexByte(r, 'X')
	if i < 0 {
		return Paint{}
	}
	return Paint{pre: r[:i], suf: r[i+1:]}
}

// On is text in the style, as the style's Render would draw it.
func (p Paint) On(text string) string {
	if text == "" || p.pre == "" {
		return text
	}
	return p.pre + text + p.suf
}
