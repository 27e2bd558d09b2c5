package topics

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// paint is a style's escape sequences around a text, taken once from
// lipgloss: drawing a row costs string joins, not a lipgloss Render per
// piece. It holds for styles without padding, margins, borders or width,
// applied to one line of sanitized text (no tabs, no line breaks).
type paint struct{ pre, suf string }

func newPaint(s lipgloss.Style) paint {
	r := s.Render("X")
	i := strings.IndexByte(r, 'X')
	if i < 0 {
		return paint{}
	}
	return paint{pre: r[:i], suf: r[i+1:]}
}

func (p paint) on(s string) string {
	if s == "" || p.pre == "" {
		return s
	}
	return p.pre + s + p.suf
}

// paints are the styles of a tree row.
type paints struct {
	name, leaf, preview, stats, hint, new, retained, selected paint
}

func newPaints(st Styles) paints {
	return paints{
		name: newPaint(st.Name), leaf: newPaint(st.Leaf), preview: newPaint(st.Preview),
		stats: newPaint(st.Stats), hint: newPaint(st.Hint), new: newPaint(st.New),
		retained: newPaint(st.Retained), selected: newPaint(st.Selected),
	}
}

// isASCII reports whether s is printable ASCII, one cell per byte.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// width is the cells s takes: a fast path for printable ASCII.
func width(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// cut shortens unstyled s to at most w cells, ending in "…" when cut, and
// returns its width.
func cut(s string, w int) (string, int) {
	if w <= 0 {
		return "", 0
	}
	if isASCII(s) {
		if len(s) <= w {
			return s, len(s)
		}
		return s[:w-1] + "…", w
	}
	if sw := ansi.StringWidth(s); sw <= w {
		return s, sw
	}
	s = ansi.Truncate(s, w, "…")
	return s, ansi.StringWidth(s)
}
