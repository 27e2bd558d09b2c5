package screen

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
)

// TestTopicsViewInTheScreen: F6 shows every topic seen as a tree beside the
// chat; Enter opens a topic's last message (Esc comes back to the tree), r
// writes to it, Tab gives the composer the keys, a retained subtree is
// cleared only after a question, and F6 goes back to the chat.
func TestTopicsViewInTheScreen(t *testing.T) {
	m, c := newTestModel(100, 30)
	var evs []mqttconn.Event
	for i := range 3 {
		for j := range 2 {
			ev := msgEvent(fmt.Sprintf("plant/line%d/sensor%d", i, j), fmt.Sprintf("%d.5", 20+i+j), time.Duration(i*2+j)*time.Second)
			ev.Message.Retained = i == 0
			evs = append(evs, ev)
		}
	}
	m = step(m, batch(evs...))
	m = step(m, keyMsg(tea.KeyF6))
	if m.mode != modeTopics {
		t.Fatalf("F6: mode %v", m.mode)
	}
	m = step(m, runes("e")) // expand all below
	s := plain(m)
	for _, want := range []string{"plant", "line0", "sensor1", "21.5"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the tree lacks %q:\n%s", want, s)
		}
	}
	if !strings.Contains(ansiStripHelp(m), "f6 topics view / chat") {
		t.Fatalf("help line: %s", ansiStripHelp(m))
	}
	// To the first sensor, open its last message, come back.
	for range 3 {
		m = step(m, keyMsg(tea.KeyDown))
	}
	m = step(m, keyMsg(tea.KeyEnter))
	if m.mode != modeDetail || m.detail == nil || !strings.HasPrefix(m.detail.e.topic, "plant/line0/") {
		t.Fatalf("enter: mode %v", m.mode)
	}
	m = step(m, keyMsg(tea.KeyEsc))
	if m.mode != modeTopics {
		t.Fatalf("esc from the message: mode %v", m.mode)
	}
	// Reply: the composer writes to the topic and has the keys.
	m = step(m, runes("r"))
	if v := m.composer.topic.Value(); !strings.HasPrefix(v, "plant/line0/") || m.focus != focusText {
		t.Fatalf("reply: topic %q, focus %v", v, m.focus)
	}
	m = typeText(m, "ack")
	_, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
	cmd()
	if len(c.published) != 1 || string(c.published[0].Payload) != "ack" {
		t.Fatalf("published %+v", c.published)
	}
	m = step(m, keyMsg(tea.KeyTab)) // back to the tree
	// Clear line0's retained messages: a dry run subscribes to the subtree,
	// the question names what it found, the clear is checked afterwards.
	m = step(m, keyMsg(tea.KeyHome))
	m = step(m, keyMsg(tea.KeyDown)) // line0
	m, cmd = stepCmd(m, runes("X"))
	if cmd == nil || !strings.Contains(plain(m), "looking for retained messages under plant/line0/#") {
		t.Fatalf("clear: no dry run:\n%s", plain(m))
	}
	m = step(m, clearStepMsg{step: clearAsk})
	if s := plain(m); m.mode != modeQuestion || !strings.Contains(s, "Clear the retained messages of 2 topics at or below plant/line0?") ||
		!strings.Contains(s, "Publishes 2 empty retained messages") {
		t.Fatalf("clear: no question:\n%s", s)
	}
	m, cmd = stepCmd(arm(m), runes("y"))
	m, _ = stepCmd(m, cmd())
	if len(c.published) != 3 || !c.published[1].Retained || len(c.published[1].Payload) != 0 {
		t.Fatalf("clear published %+v", c.published)
	}
	m = step(m, clearStepMsg{step: clearRecheck})
	// The broker refused one silently: the re-subscription brings it back.
	back := msgEvent("plant/line0/sensor1", "21.5", time.Minute)
	back.Message.Retained = true
	m = step(m, batch(back))
	m = step(m, clearStepMsg{step: clearReport})
	if s := plain(m); !strings.Contains(s, "1 of 2 topics still holds a retained message") {
		t.Fatalf("no report:\n%s", s)
	}
	if m.clearing != nil {
		t.Fatal("the clear did not end")
	}
	m = step(m, keyMsg(tea.KeyF6))
	if m.mode != modeNormal {
		t.Fatalf("F6 again: mode %v", m.mode)
	}
}

func ansiStripHelp(m Model) string { return plainText(m.helpLine()) }

// TestTopicsViewReadsOlderValues: H asks the history for a topic's older
// values; the ones older than those held are added, and the screen says
// how many.
func TestTopicsViewReadsOlderValues(t *testing.T) {
	search := func(_ context.Context, q SearchQuery, emit func(Replayed) bool) error {
		for i := range 3 {
			at := t0.Add(-time.Duration(3-i) * time.Hour)
			emit(Replayed{Event: mqttconn.Event{Kind: mqttconn.KindMessage, Time: at, Message: mqttconn.Message{Topic: q.Topic, Payload: []byte(fmt.Sprint(i)), Time: at}}})
		}
		return nil
	}
	m := New(newFakeConn(), Options{Search: search})
	m = step(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	m = step(m, batch(msgEvent("lab/temp", "21", 0)))
	m = step(m, keyMsg(tea.KeyF6))
	m = step(m, runes("e"))
	m = step(m, keyMsg(tea.KeyDown)) // lab/temp
	m, cmd := stepCmd(m, runes("H"))
	if cmd == nil {
		t.Fatal("H asked nothing")
	}
	m = step(m, cmd())
	if n := len(m.topics.Tree().Values("lab/temp")); n != 4 || !strings.Contains(plain(m), "3 older values of lab/temp from the history") {
		t.Fatalf("%d values:\n%s", n, plain(m))
	}
}
