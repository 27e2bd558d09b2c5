package sanitize

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestParseMode(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Mode
		ok   bool
	}{{"grapheme", Grapheme, true}, {"Codepoint", Codepoint, true}, {"ascii", ASCII, true}, {"auto", 0, false}, {"", 0, false}} {
		got, err := ParseMode(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ParseMode(%q) = %v, %v", tt.in, got, err)
		}
		if tt.ok && got.String() != strings.ToLower(tt.in) {
			t.Errorf("%v.String() = %q", got, got.String())
		}
	}
}

// TestStringFollowsMode: String, Bytes and Frame use the mode set once.
func TestStringFollowsMode(t *testing.T) {
	defer SetMode(CurrentMode())
	for _, tt := range []struct {
		mode        Mode
		thumb, text string
		frame       string
	}{
		{Grapheme, "👍🏽", "温度", "● ok │ ▁▅█ …"},
		{Codepoint, `👍\u1f3fd`, "温度", "● ok │ ▁▅█ …"},
		{ASCII, `\u1f44d\u1f3fd`, `\u6e29\u5ea6`, "* ok | _=# ~"},
	} {
		SetMode(tt.mode)
		if got := String("👍🏽"); got != tt.thumb {
			t.Errorf("%v: String = %q, want %q", tt.mode, got, tt.thumb)
		}
		if got := Bytes([]byte("温度")); got != tt.text {
			t.Errorf("%v: Bytes = %q, want %q", tt.mode, got, tt.text)
		}
		if got := Frame("● ok │ ▁▅█ …"); got != tt.frame {
			t.Errorf("%v: Frame = %q, want %q", tt.mode, got, tt.frame)
		}
	}
}

// TestFrameKeepsLayout: in ASCII mode a frame keeps its width, styles and
// lines, and holds only ASCII.
func TestFrameKeepsLayout(t *testing.T) {
	defer SetMode(CurrentMode())
	SetMode(ASCII)
	in := "\x1b[7m▶ you → topic\x1b[0m ✓ · 温\n┃ ↻ resent ⚠ ×3 ──"
	out := Frame(in)
	for i := 0; i < len(out); i++ {
		if out[i] > 0x7e {
			t.Fatalf("Frame left byte %#x in %q", out[i], out)
		}
	}
	inLines, outLines := strings.Split(in, "\n"), strings.Split(out, "\n")
	if len(inLines) != len(outLines) {
		t.Fatalf("lines: %d → %d", len(inLines), len(outLines))
	}
	for i := range inLines {
		if a, b := ansi.StringWidth(inLines[i]), ansi.StringWidth(outLines[i]); a != b {
			t.Errorf("line %d: width %d → %d (%q)", i, a, b, outLines[i])
		}
	}
	if !strings.Contains(out, "\x1b[7m> you > topic\x1b[0m + . ??") {
		t.Errorf("Frame = %q", out)
	}
}
