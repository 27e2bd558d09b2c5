package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestBytes(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello world", "hello world"},
		{"osc52 clipboard", "\x1b]52;c;ZXZpbA==\x07", `␛]52;c;ZXZpbA==␇`},
		{"osc8 hyperlink", "\x1b]8;;http://x\x1b\\click\x1b]8;;\x1b\\", `␛]8;;http://x␛\click␛]8;;␛\`},
		{"title", "\x1b]0;pwned\x07", `␛]0;pwned␇`},
		{"clear screen", "\x1b[2J", `␛[2J`},
		{"carriage return", "safe\rEVIL", `safe␍EVIL`},
		{"newline and tab", "a\nb\tc", `a␊b␉c`},
		{"nul", "a\x00b", `a␀b`},
		{"del", "a\x7fb", `a␡b`},
		{"8-bit csi raw byte", "a\x9b2Jb", `a\x9b2Jb`},
		{"8-bit csi as rune", "a\u009b2Jb", `a\u009b2Jb`},
		{"bidi override", "abc\u202edef", `abc\u202edef`},
		{"bidi isolate", "\u2066x\u2069", `\u2066x\u2069`},
		{"zero width space", "a\u200bb", `a\u200bb`},
		{"lone zwj", "a\u200db", `a\u200db`},
		{"bom", "\ufeffx", `\ufeffx`},
		{"invalid utf8", "ok\xff\xfe", `ok\xff\xfe`},
		{"truncated rune", "\xe4\xb8", `\xe4\xb8`},
		{"cjk", "温度", "温度"},
		{"emoji zwj family", "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"},
		{"skin tone", "👍🏽", "👍🏽"},
		{"flag", "🇩🇪", "🇩🇪"},
		{"combining mark", "e\u0301", "e\u0301"},
		{"leading combining mark", "\u0301x", "◌\u0301x"},
		{"line separator", "a\u2028b", `a\u2028b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Bytes([]byte(tt.in)); got != tt.want {
				t.Errorf("Bytes(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// assertSafe checks the sanitizer's invariants on one output.
func assertSafe(t *testing.T, in []byte, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("output for %q is not valid UTF-8: %q", in, out)
	}
	for _, r := range out {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Fatalf("output for %q holds control %U: %q", in, r, out)
		}
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Fatalf("output for %q holds ESC", in)
	}
	// The width lipgloss measures must not be changed by escape parsing: with no
	// ESC in the string, stripping must be a no-op.
	if ansi.Strip(out) != out {
		t.Fatalf("ansi.Strip changes the output for %q: %q", in, out)
	}
}

func FuzzBytes(f *testing.F) {
	for _, s := range []string{"hello", "\x1b]52;c;AA==\x07", "\x9b31m", "温度👍🏽", "\xff", "a\u202eb", "\u0301"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		assertSafe(t, in, Bytes(in))
	})
}
