package payload

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"go.uber.org/goleak"

	goldenfile "mqttchat/ui/golden"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	goleak.VerifyTestMain(m)
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want Kind
	}{
		{"empty", nil, Empty},
		{"number", []byte("21.5"), Text},
		{"words", []byte("hello world"), Text},
		{"multi-line text", []byte("line 1\nline 2\ttab\r\n"), Text},
		{"cjk", []byte("温度"), Text},
		{"object", []byte(`{"t": 21.5, "ok": true}`), JSON},
		{"array with spaces", []byte("  [1, 2, 3]\n"), JSON},
		{"json string", []byte(`"on"`), JSON},
		{"broken json", []byte(`{"t": 21.5`), Text},
		{"invalid utf8", []byte{0xff, 0xfe, 'a'}, Binary},
		{"protobuf-ish", []byte{0x08, 0x96, 0x01, 0x12, 0x04, 't', 'e', 's', 't'}, Binary},
		{"mostly control", []byte("\x00\x01\x02\x03abc"), Binary},
		{"one escape in text", []byte("colour \x1b[31mred\x1b[0m is a string of many characters"), Text},
		{"gzip", []byte{0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00}, Binary},
	}
	for _, tt := range tests {
		if got := Detect(tt.in); got != tt.want {
			t.Errorf("%s: Detect = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPreview(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`{ "t" : 21.5,
  "unit": "°C" }`, `{"t":21.5,"unit":"°C"}`},
		{"two\nlines", "two␊lines"},
		{"\x1b]52;c;QQ==\x07", "␛]52;c;QQ==␇"},
		{"\xff\x00\x01\x02\x03", "ff 00 01 02 03"},
	}
	for _, tt := range tests {
		p := []byte(tt.in)
		if got := Preview(p, Detect(p)); got != tt.want {
			t.Errorf("Preview(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	big := bytes.Repeat([]byte("x"), 10<<20)
	if got := Preview(big, Detect(big)); len(got) != previewBytes {
		t.Fatalf("preview of 10 MB is %d bytes", len(got))
	}
	bin := bytes.Repeat([]byte{0}, 100)
	if got := Preview(bin, Binary); !strings.HasSuffix(got, " …") || strings.Count(got, "00") != 24 {
		t.Fatalf("binary preview %q", got)
	}
}

// hostile holds the sequences a payload or topic can use against a terminal.
var hostile = map[string]string{
	"osc52":     "\x1b]52;c;cm0gLXJmIC8=\x07",
	"osc8":      "\x1b]8;;http://evil.example\x1b\\click me\x1b]8;;\x1b\\",
	"title":     "\x1b]0;owned\x07",
	"clear":     "\x1b[2J\x1b[H",
	"cr":        "safe text\rEVIL",
	"csi8bit":   "a\x9b2Jb",
	"c1rune":    "a\u009b2Jb",
	"bidi":      "invoice\u202egnp.exe",
	"zwj":       "a\u200db\u200bc",
	"nul":       "a\x00b",
	"invalid":   "ok\xff\xc3(",
	"cjk-emoji": "温度 👨\u200d👩\u200d👧 👍🏽 e\u0301",
}

func golden(t *testing.T, name, got string) { goldenfile.Assert(t, name, got) }

// TestEveryViewOfHostilePayloads renders each hostile payload in every mode:
// no output holds a control byte, and each matches its golden file.
func TestEveryViewOfHostilePayloads(t *testing.T) {
	var all strings.Builder
	for _, name := range []string{"osc52", "osc8", "title", "clear", "cr", "csi8bit", "c1rune", "bidi", "zwj", "nul", "invalid", "cjk-emoji"} {
		p := []byte(hostile[name])
		fmt := func(mode string, s string) { all.WriteString("== " + name + " / " + mode + "\n" + s + "\n") }
		fmt("preview", Preview(p, Detect(p)))
		for m := ModeText; m < modeCount; m++ {
			out := Render(p, m, 40, JSONStyles{})
			for _, r := range out {
				if r != '\n' && (r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e)) {
					t.Fatalf("%s in %v holds %U", name, m, r)
				}
			}
			fmt(m.String(), out)
		}
	}
	golden(t, "hostile_views", all.String())
}

func TestViewsOfJSON(t *testing.T) {
	p := []byte(`{"sensor":"kitchen","t":21.5,"ok":true,"tags":["a","b\u001b"],"none":null,"evil":"x` + "\u202e" + `y"}`)
	st := JSONStyles{}
	out := Render(p, ModeJSON, 80, st)
	golden(t, "json_pretty", out)
	if strings.Contains(out, "\u202e") {
		t.Fatal("bidi control inside a JSON string reached the view")
	}
	if got := Render([]byte("not json"), ModeJSON, 80, st); !strings.HasPrefix(got, "(not JSON:") {
		t.Fatalf("non-JSON in JSON mode: %q", got)
	}
	// With colours on, the escapes are ours only: stripping them gives the plain view.
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	colour := JSONStyles{Key: lipgloss.NewStyle().Foreground(lipgloss.Color("4")), String: lipgloss.NewStyle().Foreground(lipgloss.Color("2"))}
	if ansi.Strip(Render(p, ModeJSON, 80, colour)) != out {
		t.Fatal("coloured JSON differs from plain JSON once stripped")
	}
}

func TestHexDumpAndBase64(t *testing.T) {
	p := []byte("Hello, MQTT!\x00\x01\x02\xff and more bytes here")
	golden(t, "hex", HexDump(p))
	if got := Render([]byte("hello"), ModeBase64, 80, JSONStyles{}); got != "aGVsbG8=" {
		t.Fatalf("base64 %q", got)
	}
	if got := Render(bytes.Repeat([]byte{1}, 60), ModeBase64, 20, JSONStyles{}); strings.Count(got, "\n") != 3 {
		t.Fatalf("base64 not wrapped at 20: %q", got)
	}
}

func BenchmarkDetectAndPreview10MB(b *testing.B) {
	p := bytes.Repeat([]byte(`{"k":"value"},`), 10<<20/14)
	p = append(append([]byte("["), p[:len(p)-1]...), ']')
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		_ = Preview(p, Detect(p))
	}
}
