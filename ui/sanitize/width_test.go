package sanitize

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	"github.com/rivo/uniseg"
)

// drawnWidth is how many cells a VT emulator advances for s.
func drawnWidth(s string) int {
	emu := vt.NewEmulator(400, 3)
	_, _ = emu.WriteString(s)
	return emu.CursorPosition().X
}

func TestWidthMatchesTerminal(t *testing.T) {
	for _, m := range []Mode{Grapheme, Codepoint, ASCII} {
		for _, s := range []string{
			"plain", "温度", "👍🏽", "👨\u200d👩\u200d👧", "🇩🇪", "e\u0301", "\u0301x", "a\x1b[2Jb",
			"\u202e", "\xff", "x\u200by", "tab\there", "ﾊﾝｶｸ", "한국어", "∑ ≠ ∞", "❤️", "1️⃣", "⚌", "का",
		} {
			out := Display(s, m)
			if got, want := drawnWidth(out), ansi.StringWidth(out); got != want {
				t.Errorf("%v: %q → %q: the terminal draws %d cells, we measure %d", m, s, out, got, want)
			}
		}
	}
}

// probedClasses are the sequences whose width the counters disagree on,
// with the cursor advance measured in tmux 3.3a (Debian 12, glibc 2.36) by
// printing each one alone and reading #{cursor_x}; ui/e2e checks the
// rewritten forms against a real tmux.
var probedClasses = []struct {
	class, in   string
	tmux        int    // tmux 3.3a's advance for in
	ansi        int    // x/ansi (lipgloss)
	uniseg      int    // uniseg (bubbles' text input)
	codepoint   string // Display(in, Codepoint)
	grapheme    string // Display(in, Grapheme)
	asciiOutput string // Display(in, ASCII)
}{
	{"skin tone", "👍🏽", 4, 2, 2, `👍\u1f3fd`, "👍🏽", `\u1f44d\u1f3fd`},
	{"ZWJ family", "👨\u200d👩\u200d👧", 2, 2, 2, `👨\u200d👩\u200d👧`, "👨\u200d👩\u200d👧", `\u1f468\u200d\u1f469\u200d\u1f467`},
	{"ZWJ flag", "🏳️\u200d🌈", 1, 2, 2, `🏳\ufe0f\u200d🌈`, "🏳️\u200d🌈", `\u1f3f3\ufe0f\u200d\u1f308`},
	{"flag", "🇩🇪", 2, 2, 2, "🇩🇪", "🇩🇪", `\u1f1e9\u1f1ea`},
	{"lone regional indicator", "🇩", 1, 2, 2, `\u1f1e9`, "🇩", `\u1f1e9`},
	{"VS16", "❤️", 1, 2, 2, `❤\ufe0f`, "❤️", `\u2764\ufe0f`},
	{"keycap", "1️⃣", 1, 2, 1, `1\ufe0f\u20e3`, `1\ufe0f\u20e3`, `1\ufe0f\u20e3`},
	{"digram ⚌", "⚌", 1, 2, 1, `\u268c`, `\u268c`, `\u268c`},
	{"CJK", "温度", 4, 4, 4, "温度", "温度", `\u6e29\u5ea6`},
	{"combining mark", "e\u0301", 1, 1, 1, "e\u0301", "e\u0301", `e\u0301`},
	{"precomposed", "é", 1, 1, 1, "é", "é", `\u00e9`},
	{"Hangul jamo", "\u1100\u1161", 2, 2, 2, "\u1100\u1161", "\u1100\u1161", `\u1100\u1161`},
	{"Devanagari spacing mark", "का", 2, 1, 2, `क\u093e`, `क\u093e`, `\u0915\u093e`},
}

func TestProbedClasses(t *testing.T) {
	for _, c := range probedClasses {
		t.Run(c.class, func(t *testing.T) {
			if got := ansi.StringWidth(c.in); got != c.ansi {
				t.Errorf("x/ansi measures %q as %d, the table says %d", c.in, got, c.ansi)
			}
			if got := uniseg.StringWidth(c.in); got != c.uniseg {
				t.Errorf("uniseg measures %q as %d, the table says %d", c.in, got, c.uniseg)
			}
			// What Codepoint mode passes through unchanged, tmux draws as
			// wide as we measure it.
			if c.codepoint == c.in && ansi.StringWidth(c.in) != c.tmux {
				t.Errorf("%q passes through, measured %d, but tmux 3.3a draws %d", c.in, ansi.StringWidth(c.in), c.tmux)
			}
			for _, m := range []struct {
				mode Mode
				want string
			}{{Codepoint, c.codepoint}, {Grapheme, c.grapheme}, {ASCII, c.asciiOutput}} {
				got := Display(c.in, m.mode)
				if got != m.want {
					t.Errorf("Display(%q, %v) = %q, want %q", c.in, m.mode, got, m.want)
				}
				assertAgree(t, m.mode, []byte(c.in), got)
			}
		})
	}
}

// assertAgree checks that every counter of mode m gives out the same width
// (and x/vt, a clustering terminal, too).
func assertAgree(t *testing.T, m Mode, in []byte, out string) {
	t.Helper()
	w := ansi.StringWidth(out)
	if u := uniseg.StringWidth(out); u != w {
		t.Fatalf("%v: %q → %q: x/ansi measures %d, uniseg %d", m, in, out, w, u)
	}
	if m != Grapheme {
		if c := CodepointWidth(out); c != w {
			t.Fatalf("%v: %q → %q: x/ansi measures %d, a non-clustering terminal draws %d", m, in, out, w, c)
		}
	}
	if w < 380 {
		if got := drawnWidth(out); got != w {
			t.Fatalf("%v: %q → %q: the terminal draws %d cells, we measure %d", m, in, out, got, w)
		}
	}
	if m == ASCII {
		for i := 0; i < len(out); i++ {
			if out[i] < 0x20 || out[i] > 0x7e {
				t.Fatalf("ASCII: %q → %q holds byte %#x", in, out, out[i])
			}
		}
	}
}

// FuzzWidthMatchesTerminal: for any bytes, in every mode, the sanitized text
// holds no control byte, and the widths x/ansi (lipgloss) and uniseg (the
// text input) measure are the width a VT emulator (x/vt) draws, and in
// Codepoint and ASCII modes the width a terminal that does not cluster draws.
func FuzzWidthMatchesTerminal(f *testing.F) {
	for _, s := range []string{"hello", "温度👍🏽", "\x1b]52;c;QQ==\x07", "e\u0301", "\xff\xfe", "👨\u200d👩\u200d👧", "1️⃣", "❤️", "🇩🇪🇩", "का"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 100 {
			in = in[:100]
		}
		for _, m := range []Mode{Grapheme, Codepoint, ASCII} {
			out := display(in, m)
			assertSafe(t, in, out)
			assertAgree(t, m, in, out)
		}
	})
}
