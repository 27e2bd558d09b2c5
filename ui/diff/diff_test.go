package diff

import (
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/google/go-cmp/cmp"
	"github.com/muesli/termenv"

	goldenfile "mqttchat/ui/golden"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name      string
		prev, cur string
		want      []Line
	}{
		{"json by field", `{"t":21.5,"s":"on","env":{"rh":40},"old":1}`, `{"t":21.7,"s":"on","env":{"rh":41},"new":[1]}`, []Line{
			{Op: Changed, Key: "env.rh", Old: "40", New: "41"},
			{Op: Added, Key: "new.0", New: "1"},
			{Op: Removed, Key: "old", Old: "1"},
			{Op: Same, Key: "s", Old: `"on"`, New: `"on"`},
			{Op: Changed, Key: "t", Old: "21.5", New: "21.7"},
		}},
		{"json numbers keep their text", `[1.0, 2]`, `[1, 2]`, []Line{
			{Op: Changed, Key: "0", Old: "1.0", New: "1"},
			{Op: Same, Key: "1", Old: "2", New: "2"},
		}},
		{"text by line", "a\nb\nc\n", "a\nB\nc\nd", []Line{
			{Op: Same, Old: "a", New: "a"},
			{Op: Removed, Old: "b"},
			{Op: Added, New: "B"},
			{Op: Same, Old: "c", New: "c"},
			{Op: Added, New: "d"},
		}},
		{"json against text", `{"a":1}`, "plain", []Line{
			{Op: Removed, Old: `{"a":1}`},
			{Op: Added, New: "plain"},
		}},
		{"from nothing", "", "x", []Line{{Op: Added, New: "x"}}},
		{"hostile bytes are shown, not sent", "\x1b[2J", `{"k\u001b":"\u001b]52;c;QQ==\u0007"}`, []Line{
			{Op: Removed, Old: "␛[2J"},
			{Op: Added, New: `{"k\u001b":"\u001b]52;c;QQ==\u0007"}`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare([]byte(tt.prev), []byte(tt.cur))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestJSONKeysAndValuesAreSanitized(t *testing.T) {
	got := Compare([]byte(`{"a":1}`), []byte("{\"k\\u001b[31m\":\"\\u001b]0;x\\u0007\"}"))
	for _, l := range Render(got, 80, DefaultStyles()) {
		if strings.ContainsAny(l, "\x1b\x07") {
			t.Errorf("a control in %q", l)
		}
	}
}

func TestLongTextIsCapped(t *testing.T) {
	long := strings.Repeat("x\n", MaxLines+50)
	got := Compare([]byte(long), []byte(long+"y"))
	last := got[len(got)-1]
	if len(got) != MaxLines+1 || !strings.Contains(last.New, "51 more lines not compared") || Changes(got) != 0 {
		t.Errorf("%d lines, last %+v, %d changes", len(got), last, Changes(got))
	}
}

func TestRenderGolden(t *testing.T) {
	d := Compare([]byte(`{"temp":21.5,"state":"ok","fan":{"rpm":1200}}`), []byte(`{"temp":22,"state":"ok","fan":{"rpm":1250},"alarm":"hot"}`))
	goldenfile.Assert(t, "render_json", strings.Join(Render(d, 30, DefaultStyles()), "\n"))
}
