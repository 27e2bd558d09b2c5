package sanitize

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// asciiOnly is the ASCII mode's gate: printable ASCII stays, controls and
// invalid bytes become \xNN, every other character \uNNNN.
func asciiOnly[T ~string | ~[]byte](s T) string {
	var out strings.Builder
	out.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := decodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&out, `\x%02x`, s[i])
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&out, `\x%02x`, r)
		case r < 0x7f:
			out.WriteByte(byte(r))
		default:
			fmt.Fprintf(&out, `\u%04x`, r)
		}
		i += size
	}
	return out.String()
}

// ASCIIGlyphs is the ASCII stand-in for each glyph the screen draws (status
// marks, arrows, borders, the rate sparkline, bubbles' help separator), one
// character for one cell so that the layout does not move.
var ASCIIGlyphs = map[rune]byte{
	'●': '*', '○': 'o', '▶': '>', '◀': '<', '✓': '+', '✗': 'x', '↻': '~', '⚠': '!',
	'┃': '|', '│': '|', '─': '-', '━': '-', '┌': '+', '┐': '+', '└': '+', '┘': '+',
	'├': '+', '┤': '+', '┬': '+', '┴': '+', '┼': '+', '╭': '+', '╮': '+', '╰': '+', '╯': '+',
	'▁': '_', '▂': '.', '▃': ',', '▄': '-', '▅': '=', '▆': '+', '▇': '*', '█': '#',
	'·': '.', '•': '*', '…': '~', '—': '-', '–': '-', '↑': '^', '↓': 'v', '→': '>', '←': '<',
	'›': '>', '‹': '<', '×': 'x', '°': 'o', '◌': 'o', '␛': '^', '▸': '>',
	'↩': '<', '↳': '\\',
}

// Frame is the last step of drawing a screen: in ASCII mode it replaces
// each glyph of ASCIIGlyphs with its stand-in and any other non-ASCII
// character with one '?' per cell, so a terminal without UTF-8 gets a frame
// of the same layout; in the other modes it returns view unchanged.
// Escape sequences (styles) are ASCII and pass through.
func Frame(view string) string {
	if CurrentMode() != ASCII || isPlainASCIIWithEscapes(view) {
		return view
	}
	var out strings.Builder
	out.Grow(len(view))
	for _, r := range view {
		switch c, ok := ASCIIGlyphs[r]; {
		case r < utf8.RuneSelf:
			out.WriteRune(r)
		case ok:
			out.WriteByte(c)
		default:
			out.WriteString(strings.Repeat("?", max(ansi.StringWidth(string(r)), 0)))
		}
	}
	return out.String()
}

// isPlainASCIIWithEscapes reports whether s holds no byte above 0x7f.
func isPlainASCIIWithEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
