package screen

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/ui/sanitize"
)

// TestEverythingFits: at 40, 80 and 120 columns the full help shows every
// key (in columns, scrolling where they do not fit, the status bar staying
// on top), the quit question keeps its last words, and the status bar gives
// way in the written order. Goldens of each.
func TestEverythingFits(t *testing.T) {
	for _, size := range [][2]int{{40, 12}, {80, 24}, {120, 30}} {
		w, h := size[0], size[1]
		name := fmt.Sprintf("%dx%d", w, h)
		m := New(newFakeConn(), Options{Broker: "127.0.0.1:1883", ClientID: "fit",
			Extra: "built-in broker · mqtt://127.0.0.1:1883 · ws://127.0.0.1:8083/mqtt"})
		m = step(m, tea.WindowSizeMsg{Width: w, Height: h})
		golden(t, "status_"+name, strings.Join(strings.Split(plain(m), "\n")[:2], "\n"))
		if w >= 80 && !strings.Contains(plain(m), "ws://127.0.0.1:8083/mqtt") {
			t.Fatalf("%s: the WebSocket address gave way too early:\n%s", name, plain(m))
		}
		// Help: every key is reachable by scrolling, the status bar stays.
		m = step(m, keyMsg(tea.KeyF1))
		golden(t, "help_"+name, plain(m))
		seen := plain(m)
		for range 30 {
			m = step(m, keyMsg(tea.KeyPgDown))
			seen += plain(m)
		}
		for _, want := range []string{"alt+q", "reply", "wrap lines", "scroll sideways", "keep the filter", "next room", "close the help"} {
			if !strings.Contains(seen, want) {
				t.Errorf("%s: the help never shows %q", name, want)
			}
		}
		if !strings.HasPrefix(plain(m), " ● connecting") {
			t.Fatalf("%s: scrolling the help pushed the status bar off:\n%s", name, plain(m))
		}
		m = step(m, keyMsg(tea.KeyEsc))
		// Quit question: its last words are seen.
		m = step(m, tickMsg{otherClients: 1})
		m.conn.(*fakeConn).pending = 3
		m = step(m, keyMsg(tea.KeyCtrlC))
		golden(t, "quit_"+name, plain(m))
		if s := plain(m); !strings.Contains(s, "quitting disconnects it.") || !strings.Contains(s, "n or esc stays") {
			t.Fatalf("%s: the quit question lost words:\n%s", name, s)
		}
		for _, l := range strings.Split(plain(m), "\n") {
			if ansi.StringWidth(l) > w {
				t.Fatalf("%s: a line wider than the screen: %q", name, l)
			}
		}
	}
}

// TestComposerShowsWhatIsTypedInAFormEveryMeasurerAgrees: in a terminal
// that does not cluster (codepoint mode), an emoji with a skin tone typed
// in the composer is shown as the base emoji and a visible escape, and no
// line is wider than the screen; what is sent is what was typed.
func TestComposerShowsWhatIsTypedInAFormEveryMeasurerAgrees(t *testing.T) {
	sanitize.SetMode(sanitize.Codepoint)
	defer sanitize.SetMode(sanitize.Grapheme)
	m, c := newTestModel(40, 16)
	m = step(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("thumb 👍🏽 x"), Paste: true})
	s := plain(m)
	if !strings.Contains(s, `thumb 👍\u1f3fd x`) {
		t.Fatalf("composer:\n%s", s)
	}
	for _, l := range strings.Split(s, "\n") {
		if ansi.StringWidth(l) > 40 {
			t.Fatalf("a line wider than the screen: %q", l)
		}
	}
	_, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
	cmd()
	if got := string(c.published[0].Payload); got != "thumb 👍🏽 x" {
		t.Fatalf("sent %q", got)
	}
}
