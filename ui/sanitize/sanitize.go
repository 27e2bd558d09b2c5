// Package sanitize is the one gate between bytes from the network and the
// screen. It turns any byte sequence into text that holds no control byte, no
// escape sequence and no bidirectional or invisible control, so a payload or
// topic cannot recolour the terminal, move the cursor, set the title, plant a
// hyperlink, write the clipboard, overwrite a line or reverse text.
//
// Controls are not dropped but shown: C0 controls and DEL as Unicode Control
// Pictures (␛, ␊, ␉, ␡), C1, bidi and zero-width controls as \u escapes, and
// each byte of invalid UTF-8 as \xNN. Printable text, including CJK, emoji
// (with ZWJ sequences and skin tones) and combining marks, passes through,
// except the sequences whose width the measurers disagree on in the current
// Mode (see width.go): there the base character stays and the rest becomes
// \u escapes, so that the width lipgloss computes is the width the terminal
// draws. In ASCII mode every non-ASCII character is an escape.
package sanitize

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bytes returns b as display-safe text in the current mode.
func Bytes(b []byte) string {
	if isPlainASCII(b) {
		return string(b)
	}
	return display(b, CurrentMode())
}

// String returns s as display-safe text in the current mode.
func String(s string) string {
	if isPlainASCII(s) {
		return s
	}
	return display(s, CurrentMode())
}

// Display returns s as display-safe text in mode m: what String gives when m
// is the current mode. The composer shows what is typed through it.
func Display(s string, m Mode) string {
	if isPlainASCII(s) {
		return s
	}
	return display(s, m)
}

// display is the gate for text that is not plain ASCII.
func display[T ~string | ~[]byte](s T, m Mode) string {
	if m == ASCII {
		return asciiOnly(s)
	}
	return agree(sanitize(s), m)
}

// isPlainASCII reports whether s holds only printable ASCII, the common case.
func isPlainASCII[T ~string | ~[]byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

func sanitize[T ~string | ~[]byte](s T) string {
	var out strings.Builder
	out.Grow(len(s) + 16)
	var prev rune = -1 // the previous rune written as itself, -1 after an escape or at the start
	for i := 0; i < len(s); {
		r, size := decodeRune(s[i:])
		if r == utf8.RuneError && size <= 1 {
			fmt.Fprintf(&out, `\x%02x`, s[i])
			i++
			prev = -1
			continue
		}
		var next rune = -1
		if i+size < len(s) {
			next, _ = decodeRune(s[i+size:])
		}
		switch {
		case r < 0x20:
			out.WriteRune(0x2400 + r)
			prev = -1
		case r == 0x7f:
			out.WriteRune('␡')
			prev = -1
		case mustEscape(r, prev, next):
			fmt.Fprintf(&out, `\u%04x`, r)
			prev = -1
		default:
			if prev == -1 && isMark(r) {
				// A combining mark with no base would draw on whatever the
				// screen holds to its left: give it a visible base of its own.
				out.WriteRune('◌')
			}
			out.WriteRune(r)
			prev = r
		}
		i += size
	}
	return out.String()
}

func decodeRune[T ~string | ~[]byte](s T) (rune, int) {
	switch v := any(s).(type) {
	case string:
		return utf8.DecodeRuneInString(v)
	case []byte:
		return utf8.DecodeRune(v)
	}
	return utf8.DecodeRuneInString(string(s))
}

// mustEscape reports whether r is a control the terminal would act on or that
// is invisible, given the runes around it.
func mustEscape(r, prev, next rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls, e.g. U+009B, the 8-bit CSI
		return true
	case r == 0x200d: // zero-width joiner: only inside an emoji sequence
		return !(isEmojiPart(prev) && isPictographic(next))
	case r == 0xfe0f || r == 0xfe0e: // variation selectors: only after a visible character
		return prev == -1
	case r >= 0xe0020 && r <= 0xe007f: // tag characters: only in emoji tag sequences (flags)
		return !(isPictographic(prev) || (prev >= 0xe0020 && prev <= 0xe007f))
	case r == 0x061c, r == 0x200e, r == 0x200f, // bidi marks
		r >= 0x202a && r <= 0x202e,                         // bidi embeddings and overrides
		r >= 0x2066 && r <= 0x2069,                         // bidi isolates
		r == 0x200b, r == 0x200c, r == 0x2060, r == 0xfeff, // zero-width space, non-joiner, word joiner, BOM
		r == 0x2028, r == 0x2029, // line and paragraph separators
		r == 0xfffc, r == 0xfffd: // object replacement and replacement character
		return true
	case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r) && r > 0xffff, unicode.Is(unicode.Cs, r):
		return true
	}
	return false
}

// isMark reports whether r is a combining mark that draws on the previous cell.
func isMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Me) }

// isPictographic approximates Unicode's Extended_Pictographic property with the
// blocks that hold emoji.
func isPictographic(r rune) bool {
	return (r >= 0x1f000 && r <= 0x1faff) || (r >= 0x2600 && r <= 0x27bf) ||
		(r >= 0x2300 && r <= 0x23ff) || (r >= 0x2b00 && r <= 0x2bff) ||
		r == 0x00a9 || r == 0x00ae || r == 0x203c || r == 0x2049 || r == 0x2122 || r == 0x2139 ||
		(r >= 0x2194 && r <= 0x21aa) || r == 0x3030 || r == 0x303d || r == 0x3297 || r == 0x3299
}

// isEmojiPart reports whether r can end an emoji that a ZWJ may follow.
func isEmojiPart(r rune) bool {
	return isPictographic(r) || r == 0xfe0f || (r >= 0x1f3fb && r <= 0x1f3ff)
}
