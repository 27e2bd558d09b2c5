package topics

import (
	"github.com/charmbracelet/x/ansi"

	"mqttchat/ui/paint"
)

// paints are the styles of a tree row.
type paints struct {
	name, leaf, preview, stats, hint, new, retained, selected paint.Paint
}

func newPaints(st Styles) paints {
	return paints{
		name: paint.New(st.Name), leaf: paint.New(st.Leaf), preview: paint.New(st.Preview),
		stats: paint.New(st.Stats), hint: paint.New(st.Hint), new: paint.New(st.New),
		retained: paint.New(st.Retained), selected: paint.New(st.Selected),
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
