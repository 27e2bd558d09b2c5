package screen

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
)

// TestQuestionOverTheDetailViewIsSeenAndNotAnsweredByItsKeys reproduces the
// hidden question: /file, then a message opened before the question came.
// The question is drawn over the detail view; y (the detail's "copy the
// topic") pressed right away does not publish, and Esc declines the
// question, leaving the message open.
func TestQuestionOverTheDetailViewIsSeenAndNotAnsweredByItsKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "some.txt")
	os.WriteFile(path, []byte("file body"), 0o600)
	m, c := newTestModel(180, 24)
	m = step(m, batch(msgEvent("chat/room", "a message", 0)))
	m, read := typeLine(m, "/file "+path)
	m = step(m, keyMsg(tea.KeyTab))
	m = step(m, keyMsg(tea.KeyTab))
	m = step(m, keyMsg(tea.KeyEnter))
	if m.mode != modeDetail {
		t.Fatalf("mode %v, want the detail view open", m.mode)
	}
	m = step(m, read()) // the file arrives: the question opens over the detail
	if s := plain(m); m.mode != modeQuestion || !strings.Contains(s, "Publish the file "+path+"?") ||
		!strings.Contains(s, "9 bytes · Topic chat/room · QoS 0 · retain off") {
		t.Fatalf("question not drawn over the detail view:\n%s", s)
	}
	m, cmd := stepCmd(m, runes("y"))
	if cmd != nil {
		cmd() // only the guard's timer
	}
	if len(c.published) != 0 || m.mode != modeQuestion || !strings.Contains(plain(m), "too soon") {
		t.Fatalf("y at once: published %d, mode %v:\n%s", len(c.published), m.mode, plain(m))
	}
	m = step(m, keyMsg(tea.KeyEsc))
	if m.mode != modeDetail || m.detail == nil || len(c.published) != 0 {
		t.Fatalf("esc: mode %v, detail open %v, published %d", m.mode, m.detail != nil, len(c.published))
	}
	m = step(m, keyMsg(tea.KeyEsc))
	if m.mode != modeNormal {
		t.Fatalf("second esc: mode %v", m.mode)
	}
}

// TestTypingOkayDoesNotAnswer: the y of a word typed while a question shows
// never answers it, typed slowly (one key at a time, each restarting the
// guard) or fast (one message of several runes); the word is kept in the
// message field.
func TestTypingOkayDoesNotAnswer(t *testing.T) {
	for _, burst := range []bool{false, true} {
		m, c := newTestModel(100, 24)
		m, _ = typeLine(m, "/clear-retained test/keep")
		if m.mode != modeQuestion {
			t.Fatalf("no question:\n%s", plain(m))
		}
		m = arm(m) // the question has been on screen a while
		if burst {
			m = step(m, runes("okay"))
		} else {
			for _, r := range "okay" {
				m = step(m, runes(string(r)))
			}
		}
		if len(c.published) != 0 || m.mode != modeQuestion {
			t.Fatalf("burst %v: typing okay answered the question (published %d)", burst, len(c.published))
		}
		if v := m.composer.text.Value(); v != "okay" {
			t.Fatalf("burst %v: message field holds %q", burst, v)
		}
		if !strings.Contains(plain(m), "what you type goes to the message field") {
			t.Fatalf("burst %v: the question does not say where typing goes:\n%s", burst, plain(m))
		}
		// A deliberate y, once the question has been seen, answers.
		m, cmd := stepCmd(arm(m), runes("y"))
		cmd()
		if len(c.published) != 1 || c.published[0].Topic != "test/keep" || !c.published[0].Retained || m.mode != modeNormal {
			t.Fatalf("burst %v: deliberate y: %+v, mode %v", burst, c.published, m.mode)
		}
	}
}

// TestPasteNeverAnswers: a paste holding y is text.
func TestPasteNeverAnswers(t *testing.T) {
	m, c := newTestModel(100, 24)
	m, _ = typeLine(m, "/clear-retained test/keep")
	m = step(arm(m), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y"), Paste: true})
	if len(c.published) != 0 || m.mode != modeQuestion || m.composer.text.Value() != "y" {
		t.Fatalf("paste: published %d, mode %v, text %q", len(c.published), m.mode, m.composer.text.Value())
	}
}

// TestDoubleEnterPublishesOnce: two Enters that arrive together send one
// message; text typed before the first result came back is not merged with
// the sent text nor cleared by it.
func TestDoubleEnterPublishesOnce(t *testing.T) {
	m, c := newTestModel(80, 24)
	m = typeText(m, "x")
	m, first := stepCmd(m, keyMsg(tea.KeyEnter))
	m, second := stepCmd(m, keyMsg(tea.KeyEnter))
	if first == nil || second != nil {
		t.Fatalf("enter, enter: commands %v, %v", first != nil, second != nil)
	}
	m = step(m, first())
	if len(c.published) != 1 {
		t.Fatalf("published %d times", len(c.published))
	}
	m = typeText(m, "da-30")
	m, pub := stepCmd(m, keyMsg(tea.KeyEnter))
	m = typeText(m, "da-31")
	m = step(m, pub())
	if v := m.composer.text.Value(); v != "da-31" {
		t.Fatalf("text after the earlier result: %q", v)
	}
	_, pub = stepCmd(m, keyMsg(tea.KeyEnter))
	pub()
	if got := string(c.published[2].Payload); len(c.published) != 3 || got != "da-31" {
		t.Fatalf("sent %q", got)
	}
}

// TestRefusedPublishGivesTheTextBack: into the empty field, or one Up away
// when something new was typed meanwhile.
func TestRefusedPublishGivesTheTextBack(t *testing.T) {
	m, c := newTestModel(80, 24)
	c.err = errors.New("not connected: QoS 0 messages are not queued")
	m = typeText(m, "first")
	m, pub := stepCmd(m, keyMsg(tea.KeyEnter))
	m = step(m, pub())
	if v := m.composer.text.Value(); v != "first" || !strings.Contains(plain(m), "✗ not connected") {
		t.Fatalf("refused: text %q\n%s", v, plain(m))
	}
	m.composer.text.Reset()
	m = typeText(m, "second")
	m, pub = stepCmd(m, keyMsg(tea.KeyEnter))
	m = typeText(m, "third")
	m = step(m, pub())
	if v := m.composer.text.Value(); v != "third" || !strings.Contains(plain(m), "one Up away") {
		t.Fatalf("refused while typing: text %q\n%s", v, plain(m))
	}
	if v, ok := m.composer.recall.texts.step("third", +1); !ok || v != "second" {
		t.Fatalf("recall holds %q", v)
	}
}

// TestHelpLineFollowsFocus: the help line shows the keys of what has them.
func TestHelpLineFollowsFocus(t *testing.T) {
	m, _ := newTestModel(120, 24)
	m = step(m, batch(msgEvent("chat/room", "a message", 0)))
	help := func(m Model) string { return ansi.Strip(m.helpLine()) }
	if h := help(m); !strings.Contains(h, "enter send") || strings.Contains(h, "enter open") {
		t.Fatalf("text field: %s", h)
	}
	m = typeText(m, "/su")
	if h := help(m); !strings.Contains(h, "tab complete the command") {
		t.Fatalf("while a command is typed: %s", h)
	}
	m.composer.text.Reset()
	m = step(m, keyMsg(tea.KeyShiftTab)) // rooms
	if h := help(m); m.focus != focusRooms || !strings.Contains(h, "next room") || strings.Contains(h, "send") {
		t.Fatalf("rooms: %s", h)
	}
	m = step(m, keyMsg(tea.KeyShiftTab)) // list
	if h := help(m); !strings.Contains(h, "enter open") || strings.Contains(h, "enter send") || strings.Contains(h, "clear the filter") {
		t.Fatalf("list: %s", h)
	}
	m = step(m, runes("/"))
	if h := help(m); !strings.Contains(h, "enter keep the filter") || strings.Contains(h, "enter open") {
		t.Fatalf("filter: %s", h)
	}
	m = step(m, runes("x"))
	m = step(m, keyMsg(tea.KeyEnter))
	if h := help(m); !strings.Contains(h, "esc clear the filter") {
		t.Fatalf("list with a filter: %s", h)
	}
	m = step(m, keyMsg(tea.KeyEsc))
	m = step(m, keyMsg(tea.KeyEnter))
	if h := help(m); m.mode != modeDetail || !strings.Contains(h, "esc back to the list") {
		t.Fatalf("detail: %s", h)
	}
}

// TestSecondCtrlCQuits: the quit question takes a second Ctrl+C at once
// (it is never part of typed text); Ctrl+C over another question asks the
// quit question instead, saying what was not done.
func TestSecondCtrlCQuits(t *testing.T) {
	m, c := newTestModel(120, 24)
	c.pending = 1
	m, _ = typeLine(m, "/clear-retained test/keep")
	m = step(m, keyMsg(tea.KeyCtrlC))
	if s := plain(m); m.question == nil || !m.question.quit || !strings.Contains(s, "Quit mqttchat?") || !strings.Contains(s, "not done: Clear the retained message of test/keep?") {
		t.Fatalf("ctrl+c over a question:\n%s", s)
	}
	_, cmd := stepCmd(m, keyMsg(tea.KeyCtrlC))
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("second ctrl+c did not quit")
	}
	if len(c.published) != 0 {
		t.Fatal("quitting answered the other question")
	}
}

// TestTypingLengthensTheGuard: once text was typed while a question shows,
// y or n answers only after typingGuard without a key (a word typed at half
// a second a key keeps its y).
func TestTypingLengthensTheGuard(t *testing.T) {
	m, _ := newTestModel(100, 24)
	m, _ = typeLine(m, "/clear-retained test/keep")
	if g := m.question.guard(); g != answerGuard {
		t.Fatalf("guard before typing: %v", g)
	}
	m = step(m, runes("o"))
	if g := m.question.guard(); g != typingGuard || typingGuard < time.Second {
		t.Fatalf("guard after typing: %v", g)
	}
}

// TestNothingTypedIsLost: a /file that fails and a question declined give
// the command line back.
func TestNothingTypedIsLost(t *testing.T) {
	m, _ := newTestModel(120, 24)
	m, read := typeLine(m, "/file /no/such/file")
	m = step(m, read())
	if v := m.composer.text.Value(); v != "/file /no/such/file" || !strings.Contains(plain(m), "no such file") {
		t.Fatalf("after a failed /file the field holds %q", v)
	}
	m.composer.text.Reset()
	m, _ = typeLine(m, "/clear-retained keep/this")
	m = step(arm(m), runes("n"))
	if v := m.composer.text.Value(); v != "/clear-retained keep/this" || !strings.Contains(plain(m), "not done: Clear the retained message of keep/this?") {
		t.Fatalf("after no the field holds %q:\n%s", v, plain(m))
	}
}

// TestHomeAndEndSelectMessages: timeline rows are passed over by Home and
// End as by the arrows.
func TestHomeAndEndSelectMessages(t *testing.T) {
	m, _ := newTestModel(100, 24)
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindConnected, Time: t0}, msgEvent("a", "first", 0), msgEvent("a", "last", time.Second),
		mqttconn.Event{Kind: mqttconn.KindSubscribed, Filter: "x", Time: t0.Add(2 * time.Second)}))
	m.setFocus(focusList)
	m = step(m, keyMsg(tea.KeyHome))
	if e, _ := m.list.selected(); e == nil || string(e.payload) != "first" {
		t.Fatalf("home selected %+v", e)
	}
	m = step(m, keyMsg(tea.KeyEnd))
	if e, _ := m.list.selected(); e == nil || string(e.payload) != "last" {
		t.Fatalf("end selected %+v", e)
	}
}
