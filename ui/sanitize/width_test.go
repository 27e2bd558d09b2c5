package sanitize

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// drawnWidth is how many cells a VT emulator advances for s.
func drawnWidth(s string) int {
	emu := vt.NewEmulator(400, 3)
	_, _ = emu.WriteString(s)
	return emu.CursorPosition().X
}

func TestWidthMatchesTerminal(t *testing.T) {
	for _, s := range []string{
		"plain", "温度", "👍🏽", "👨\u200d👩\u200d👧", "🇩🇪", "e\u0301", "\u0301x", "a\x1b[2Jb",
		"\u202e", "\xff", "x\u200by", "tab\there", "ﾊﾝｶｸ", "한국어", "∑ ≠ ∞",
	} {
		out := String(s)
		if got, want := drawnWidth(out), ansi.StringWidth(out); got != want {
			t.Errorf("%q → %q: the terminal draws %d cells, we measure %d", s, out, got, want)
		}
	}
}

// FuzzWidthMatchesTerminal: for any bytes, the sanitized text holds no
// control byte and the width lipgloss measures (x/ansi) is the width a VT
// emulator (x/vt) draws.
func FuzzWidthMatchesTerminal(f *testing.F) {
	for _, s := range []string{"hello", "温度👍🏽", "\x1b]52;c;QQ==\x07", "e\u0301", "\xff\xfe", "👨\u200d👩\u200d👧"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 100 {
			in = in[:100]
		}
		out := Bytes(in)
		assertSafe(t, in, out)
		if w := ansi.StringWidth(out); w < 380 {
			if got := drawnWidth(out); got != w {
				t.Fatalf("%q → %q: the terminal draws %d cells, we measure %d", in, out, got, w)
			}
		}
	})
}
