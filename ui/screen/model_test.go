package screen

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
)

func TestEnterPublishesAndClears(t *testing.T) {
	m, c := newTestModel(80, 24)
	m = typeText(m, "hello")
	m, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
	if cmd == nil {
		t.Fatal("enter returned no command")
	}
	res := cmd()
	if len(c.published) != 1 || string(c.published[0].Payload) != "hello" || c.published[0].Topic != "chat/room" {
		t.Fatalf("published %+v", c.published)
	}
	// Emptied in the Update that returned the publish: a second Enter
	// arriving before the result has nothing to send again.
	if v := m.composer.text.Value(); v != "" {
		t.Fatalf("text field holds %q after enter", v)
	}
	m = step(m, res)
	if v := m.composer.text.Value(); v != "" {
		t.Fatalf("text field holds %q after sending", v)
	}
}

func TestEnterOnEmptyTextDoesNothing(t *testing.T) {
	m, _ := newTestModel(80, 24)
	if _, cmd := stepCmd(m, keyMsg(tea.KeyEnter)); cmd != nil {
		t.Fatal("enter on an empty field returned a command")
	}
}

func TestInvalidTopicKeepsText(t *testing.T) {
	for _, topic := range []string{"", "a/+", "a/#", "+"} {
		m, c := newTestModel(80, 24)
		m.composer.topic.SetValue(topic)
		m = typeText(m, "payload")
		m, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
		if cmd != nil {
			cmd()
		}
		if len(c.published) != 0 {
			t.Fatalf("topic %q: published anyway", topic)
		}
		if m.composer.text.Value() != "payload" {
			t.Fatalf("topic %q: text lost", topic)
		}
		if !strings.Contains(plain(m), "✗ topic:") {
			t.Fatalf("topic %q: no inline error:\n%s", topic, plain(m))
		}
	}
}

func TestPublishRefusedKeepsTextAndShowsWhy(t *testing.T) {
	m, c := newTestModel(80, 24)
	c.err = errOffline
	m = typeText(m, "while offline")
	m, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
	m = step(m, cmd())
	if m.composer.text.Value() != "while offline" {
		t.Fatal("text lost after a refused publish")
	}
	if !strings.Contains(plain(m), "not connected") {
		t.Fatalf("refusal not shown:\n%s", plain(m))
	}
	// Typing clears the error.
	m = typeText(m, "!")
	if strings.Contains(plain(m), "not connected") {
		t.Fatal("error still shown after typing")
	}
}

func TestQoSAndRetainKeys(t *testing.T) {
	m, c := newTestModel(80, 24)
	m = step(m, alt("q"))
	m = step(m, alt("q"))
	m = step(m, alt("r"))
	if !strings.Contains(plain(m), "QoS 2") || !strings.Contains(plain(m), "retain on") {
		t.Fatalf("composer does not show QoS 2 / retain on:\n%s", plain(m))
	}
	m = typeText(m, "x")
	_, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
	cmd()
	if p := c.published[0]; p.QoS != 2 || !p.Retained {
		t.Fatalf("published qos %d retain %v", p.QoS, p.Retained)
	}
	m = step(m, alt("q"))
	if m.composer.qos != 0 {
		t.Fatalf("QoS after cycling past 2 = %d", m.composer.qos)
	}
}

func TestFocusRouting(t *testing.T) {
	m, _ := newTestModel(80, 12)
	var evs []mqttconn.Event
	for i := range 50 {
		evs = append(evs, msgEvent("t", fmt.Sprint(i), time.Duration(i)*time.Second))
	}
	m = step(m, batch(evs...))

	// In the text field, k and arrow keys edit text and never scroll.
	m = typeText(m, "k")
	m = step(m, keyMsg(tea.KeyUp))
	if !m.list.atBottom() {
		t.Fatal("typing scrolled the list")
	}
	if m.composer.text.Value() != "k" {
		t.Fatalf("text field holds %q", m.composer.text.Value())
	}
	// Tab moves to the topic field, then to the list.
	m = step(m, keyMsg(tea.KeyTab))
	if m.focus != focusTopic {
		t.Fatalf("focus after tab = %v", m.focus)
	}
	m = typeText(m, "/x")
	if m.composer.topic.Value() != "chat/room/x" {
		t.Fatalf("topic field holds %q", m.composer.topic.Value())
	}
	m = step(m, keyMsg(tea.KeyTab))
	if m.focus != focusList {
		t.Fatalf("focus after two tabs = %v", m.focus)
	}
	// Focusing the list selects its bottom row; k and up move the selection.
	m = step(m, runes("k"))
	m = step(m, keyMsg(tea.KeyUp))
	if e, ok := m.list.selected(); !ok || string(e.payload) != "47" || m.composer.text.Value() != "k" {
		t.Fatalf("k, up in the list: selected %v, text %q", e, m.composer.text.Value())
	}
	m = step(m, keyMsg(tea.KeyHome))
	if e, _ := m.list.selected(); m.list.topVisible() != 0 || string(e.payload) != "0" {
		t.Fatalf("home: top visible %d", m.list.topVisible())
	}
	m = step(m, runes("G"))
	if e, _ := m.list.selected(); !m.list.atBottom() || string(e.payload) != "49" {
		t.Fatal("G did not return to the bottom")
	}
	// Enter in the list opens the message, sends nothing; esc comes back.
	m, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
	if cmd != nil || m.detail == nil {
		t.Fatal("enter in the list did not open the message")
	}
	m = step(m, keyMsg(tea.KeyEsc))
	if m.detail != nil {
		t.Fatal("esc did not close the detail view")
	}
	m = step(m, keyMsg(tea.KeyShiftTab))
	if m.focus != focusTopic {
		t.Fatalf("focus after shift+tab = %v", m.focus)
	}
	// PgUp scrolls from anywhere, the wheel too.
	m = step(m, keyMsg(tea.KeyPgUp))
	if m.list.atBottom() {
		t.Fatal("pgup from the topic field did not scroll")
	}
	m = step(m, keyMsg(tea.KeyPgDown))
	m = step(m, tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelUp})
	if m.list.offset != 3 {
		t.Fatalf("wheel up: offset %d", m.list.offset)
	}
}

func TestQuitFromAnywhere(t *testing.T) {
	for f := range focusCount {
		m, _ := newTestModel(80, 24)
		m.setFocus(f)
		_, cmd := stepCmd(m, keyMsg(tea.KeyCtrlC))
		if cmd == nil {
			t.Fatalf("ctrl+c in focus %d: no command", f)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatalf("ctrl+c in focus %d does not quit", f)
		}
	}
}

func TestHelpAndMouseKeys(t *testing.T) {
	m, _ := newTestModel(100, 30)
	h := m.list.height
	m = step(m, keyMsg(tea.KeyF1))
	if s := plain(m); m.mode != modeHelp || !strings.Contains(s, "oldest") || !strings.Contains(s, "list filter") || m.list.height != h {
		t.Fatalf("F1 shows no full help (list height %d→%d):\n%s", h, m.list.height, plain(m))
	}
	m = step(m, keyMsg(tea.KeyEsc))
	if m.mode != modeNormal {
		t.Fatal("esc did not close the help")
	}
	m, cmd := stepCmd(m, keyMsg(tea.KeyF2))
	if cmd == nil || m.status.mouse || !strings.Contains(plain(m), "mouse off") {
		t.Fatal("F2 did not turn mouse capture off")
	}
	// ? types a question mark in the text field but opens help in the list.
	m, _ = newTestModel(100, 30)
	m = typeText(m, "?")
	if m.mode == modeHelp || m.composer.text.Value() != "?" {
		t.Fatal("? in the text field did not type")
	}
}

func TestFollowAndNewBelow(t *testing.T) {
	m, _ := newTestModel(80, 14)
	for i := range 30 {
		m = step(m, batch(msgEvent("t", fmt.Sprint("m", i), time.Duration(i)*time.Second)))
	}
	if !strings.Contains(plain(m), "m29") {
		t.Fatal("newest message not visible while following")
	}
	m = step(m, keyMsg(tea.KeyPgUp))
	before := plain(m)
	m = step(m, batch(msgEvent("t", "fresh1", time.Minute), msgEvent("t", "fresh2", time.Minute)))
	after := plain(m)
	if strings.Contains(after, "fresh") {
		t.Fatal("scrolled-up view jumped to new messages")
	}
	if !strings.Contains(after, "↓ 2 new below") {
		t.Fatalf("no new-below count:\n%s", after)
	}
	// The rows being read stay where they were.
	if listRows(before) != listRows(after) {
		t.Fatalf("rows moved while reading:\n%s\n---\n%s", before, after)
	}
	m = step(m, keyMsg(tea.KeyPgDown))
	m = step(m, keyMsg(tea.KeyPgDown))
	if !strings.Contains(plain(m), "fresh2") || strings.Contains(plain(m), "new below") {
		t.Fatal("returning to the bottom does not follow again")
	}
}

// listRows is the part of a screen between the list title and the composer.
func listRows(screen string) string {
	lines := strings.Split(screen, "\n")
	return strings.Join(lines[3:len(lines)-6], "\n")
}

func TestWindowCapsAndCounters(t *testing.T) {
	c := newFakeConn()
	m := New(c, Options{MaxMessages: 10})
	m = step(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	var evs []mqttconn.Event
	for i := range 25 {
		evs = append(evs, msgEvent("t", fmt.Sprint(i), 0))
	}
	m = step(m, eventsMsg{events: evs, received: 25, dropped: 7})
	if m.list.Len() != 10 {
		t.Fatalf("held %d, cap 10", m.list.Len())
	}
	s := plain(m)
	for _, want := range []string{"received: 25", "not shown (display too slow): 7", "15 older ones let go"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	// Byte cap: big payloads are cut to the preview and evicted by size.
	l := newMessageList(1000, 64<<10, 0, testStyles())
	for range 100 {
		l.push(newMessageEntry(entryIn, mqttconn.Message{Topic: "big", Payload: make([]byte, 1<<20)}, analysis{}))
	}
	if l.bytes > 64<<10 || l.Len() == 0 {
		t.Fatalf("byte cap: %d bytes in %d entries", l.bytes, l.Len())
	}
	if e := l.at(0); len(e.payload) != previewLimit || e.size != 1<<20 {
		t.Fatalf("entry keeps %d bytes of %d", len(e.payload), e.size)
	}
}

func TestReaderRowsAreNotEvicted(t *testing.T) {
	l := newMessageList(20, 1<<30, 0, testStyles())
	l.setSize(80, 5)
	for i := range 20 {
		l.push(newEventEntry(t0, fmt.Sprint("row", i), false))
	}
	l.scrollToTop()
	for i := range 2 {
		l.push(newEventEntry(t0, fmt.Sprint("new", i), false))
	}
	if l.at(0).note != "row0" || l.topVisible() != 0 {
		t.Fatalf("the row being read was evicted: first %q, top %d", l.at(0).note, l.topVisible())
	}
	// Past the hard limit the oldest go even so: memory stays bounded.
	for i := range 100 {
		l.push(newEventEntry(t0, fmt.Sprint("more", i), false))
	}
	if l.Len() > 22 {
		t.Fatalf("held %d past the hard limit", l.Len())
	}
}

func TestOutgoingStates(t *testing.T) {
	m, _ := newTestModel(100, 24)
	out := mqttconn.Message{Topic: "chat/room", Payload: []byte("hi"), QoS: 1, Time: t0}
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 7, State: mqttconn.StateQueued, Message: out, Time: t0}))
	if !strings.Contains(plain(m), "▶ you → chat/room q1 hi … queued") {
		t.Fatalf("queued row:\n%s", plain(m))
	}
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 7, State: mqttconn.StateResent}))
	if !strings.Contains(plain(m), "↻ resent") {
		t.Fatal("no resent state")
	}
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 7, State: mqttconn.StateAcked}))
	if !strings.Contains(plain(m), "hi ✓ acknowledged") || strings.Contains(plain(m), "resent") {
		t.Fatalf("acked row:\n%s", plain(m))
	}
	m = step(m, batch(
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 8, State: mqttconn.StateSending, Message: out, Time: t0},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 8, State: mqttconn.StateFailed, Err: errors.New("boom\x1b[2J")}))
	if !strings.Contains(plain(m), "✗ failed: boom␛[2J") {
		t.Fatalf("failed row:\n%s", plain(m))
	}
}

func TestStatusStates(t *testing.T) {
	m, _ := newTestModel(120, 24)
	steps := []struct {
		ev   mqttconn.Event
		want string
	}{
		{mqttconn.Event{Kind: mqttconn.KindConnecting, Attempt: 1}, "● connecting"},
		{mqttconn.Event{Kind: mqttconn.KindConnectFailed, Attempt: 1, Err: errors.New("dial tcp: connection refused"), RetryIn: time.Second}, "dial tcp: connection refused"},
		{mqttconn.Event{Kind: mqttconn.KindConnecting, Attempt: 2}, "reconnecting (attempt 2)"},
		{mqttconn.Event{Kind: mqttconn.KindConnected, Attempt: 2}, "● connected"},
		{mqttconn.Event{Kind: mqttconn.KindLost, Err: errors.New("EOF")}, "connection lost: the broker closed the connection"},
		{mqttconn.Event{Kind: mqttconn.KindConnecting, Attempt: 1}, "reconnecting (attempt 1) · connection lost: the broker closed the connection"},
		{mqttconn.Event{Kind: mqttconn.KindConnectFailed, Attempt: 1, Err: io.EOF, RetryIn: 12 * time.Second}, "reconnecting in 12 s (attempt 2) · F5 now · the broker closed the connection"},
		{mqttconn.Event{Kind: mqttconn.KindConnecting, Attempt: 2}, "reconnecting (attempt 2)"},
		{mqttconn.Event{Kind: mqttconn.KindConnected, Attempt: 1, Downtime: 3 * time.Second}, "● connected"},
		{mqttconn.Event{Kind: mqttconn.KindConnectFailed, Err: &mqttconn.RefusedError{Code: 4}, Fatal: true}, "bad user name or password — not retrying: fix it, or press F5"},
	}
	for i, s := range steps {
		s.ev.Time = t0
		m = step(m, batch(s.ev))
		status := strings.SplitN(plain(m), "\n", 2)[0]
		if !strings.Contains(status, s.want) {
			t.Fatalf("step %d: status %q lacks %q", i, status, s.want)
		}
	}
	if !strings.Contains(plain(m), "reconnected after 3s") {
		t.Fatalf("no reconnected row:\n%s", plain(m))
	}
}

func TestHostileTopicAndPayloadAreSanitized(t *testing.T) {
	m, _ := newTestModel(120, 24)
	m = step(m, batch(msgEvent("evil/\x1b]0;title\x07", "\x1b]52;c;ZXZpbA==\x07\x1b[2J\rX\u202e", 0)))
	v := m.View()
	for _, bad := range []string{"\x1b]", "\x07", "\r", "\u202e", "\x1b[2J"} {
		if strings.Contains(v, bad) {
			t.Fatalf("view holds %q", bad)
		}
	}
	if !strings.Contains(ansi.Strip(v), `evil/␛]0;title␇ ␛]52;c;ZXZpbA==␇␛[2J␍X\u202e`) {
		t.Fatalf("escaped row missing:\n%s", ansi.Strip(v))
	}
}

func TestEveryLineFitsTheWidth(t *testing.T) {
	for _, w := range []int{40, 80, 120} {
		m, _ := newTestModel(w, 24)
		m = step(m, batch(
			msgEvent(strings.Repeat("long/", 40), strings.Repeat("温度👍🏽 ", 50), 0),
			mqttconn.Event{Kind: mqttconn.KindLost, Err: errors.New(strings.Repeat("why ", 60)), Time: t0}))
		lines := strings.Split(m.View(), "\n")
		if len(lines) != 24 {
			t.Errorf("width %d: %d lines, want 24", w, len(lines))
		}
		for i, l := range lines {
			if lw := ansi.StringWidth(l); lw > w {
				t.Errorf("width %d: line %d is %d wide: %q", w, i, lw, ansi.Strip(l))
			}
		}
	}
}

func TestF5RetriesAndInsecureIsShown(t *testing.T) {
	c := newFakeConn()
	m := New(c, Options{Insecure: true})
	m = step(m, tea.WindowSizeMsg{Width: 120, Height: 24})
	if !strings.Contains(plain(m), "⚠ insecure: TLS not verified") {
		t.Fatalf("insecure not shown:\n%s", plain(m))
	}
	_, cmd := stepCmd(m, keyMsg(tea.KeyF5))
	if cmd == nil {
		t.Fatal("F5 returned no command")
	}
	cmd()
	if c.retries != 1 {
		t.Fatalf("F5 retried %d times", c.retries)
	}
}

// TestTypedWordsThatNameKeys: Bubble Tea hands a fast-typed word over as
// one message; words such as "down", "up", "enter" or "tab" are text.
func TestTypedWordsThatNameKeys(t *testing.T) {
	m, c := newTestModel(100, 24)
	for _, w := range []string{"go", " ", "down", " ", "up", " ", "enter", " ", "tab", " ", "pgup", " ", "f1", " ", "ctrl+c", " ", "esc"} {
		if w == " " {
			m = step(m, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
			continue
		}
		m = step(m, runes(w))
	}
	if v := m.composer.text.Value(); v != "go down up enter tab pgup f1 ctrl+c esc" {
		t.Fatalf("text field holds %q", v)
	}
	_, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
	cmd()
	if string(c.published[0].Payload) != "go down up enter tab pgup f1 ctrl+c esc" {
		t.Fatalf("sent %q", c.published[0].Payload)
	}
	// In the topic field and the filter too.
	m, _ = newTestModel(100, 24)
	m = step(m, keyMsg(tea.KeyTab))
	m = step(m, runes("/down"))
	if v := m.composer.topic.Value(); v != "chat/room/down" {
		t.Fatalf("topic field holds %q", v)
	}
}

// TestDefaultTopicThenRecallThenGiven: with no topic given and nothing sent
// before, the composer publishes to DefaultTopic (zero set-up chat); the
// last topic sent wins over it, a given one over both.
func TestDefaultTopicThenRecallThenGiven(t *testing.T) {
	for _, tc := range []struct {
		given  string
		recall []string
		want   string
	}{{"", nil, "chat/lobby"}, {"", []string{"plant/1", "x"}, "plant/1"}, {"a/b", []string{"plant/1"}, "a/b"}} {
		m := New(newFakeConn(), Options{Topic: tc.given, RecallTopics: tc.recall})
		if v := m.composer.topic.Value(); v != tc.want {
			t.Errorf("given %q, recall %v: topic %q, want %q", tc.given, tc.recall, v, tc.want)
		}
	}
}

func TestEmptyTopicSaysWhatToDo(t *testing.T) {
	m := New(newFakeConn(), Options{Subscriptions: []mqttconn.Subscription{{Filter: "#"}}})
	m = step(m, tea.WindowSizeMsg{Width: 120, Height: 24})
	m.composer.topic.SetValue("")
	m = typeText(m, "hi")
	m, _ = stepCmd(m, keyMsg(tea.KeyEnter))
	if !strings.Contains(plain(m), "✗ topic: no topic to publish to — Tab to the topic field, or type /topic NAME") {
		t.Fatalf("no guidance:\n%s", plain(m))
	}
}

// TestSelectionStepsOverTimelineRows: Up/Down move between messages, which
// can be opened and copied; timeline rows are passed over, and past the
// oldest message the view scrolls on so they can still be read.
func TestSelectionStepsOverTimelineRows(t *testing.T) {
	m, _ := newTestModel(80, 14)
	m = step(m, batch(
		mqttconn.Event{Kind: mqttconn.KindConnected, Time: t0},
		mqttconn.Event{Kind: mqttconn.KindSubscribed, Filter: "#", Time: t0},
		msgEvent("t", "first", time.Second),
		mqttconn.Event{Kind: mqttconn.KindLost, Err: errors.New("EOF"), Time: t0.Add(2 * time.Second)},
		mqttconn.Event{Kind: mqttconn.KindConnected, Downtime: time.Second, Time: t0.Add(3 * time.Second)},
		msgEvent("t", "second", 4*time.Second),
		mqttconn.Event{Kind: mqttconn.KindResubscribed, Count: 1, Time: t0.Add(4 * time.Second)},
	))
	m.setFocus(focusList)
	payloadOf := func() string {
		e, ok := m.list.selected()
		if !ok {
			return "<none>"
		}
		if e.kind == entryEvent {
			return "<timeline: " + e.note + ">"
		}
		return string(e.payload)
	}
	if got := payloadOf(); got != "second" {
		t.Fatalf("focusing the list selected %s, want the newest message", got)
	}
	m = step(m, keyMsg(tea.KeyUp))
	if got := payloadOf(); got != "first" {
		t.Fatalf("up selected %s, want the message above the timeline rows", got)
	}
	m = step(m, keyMsg(tea.KeyUp)) // no older message: stays
	if got := payloadOf(); got != "first" {
		t.Fatalf("up at the oldest message selected %s", got)
	}
	m = step(m, keyMsg(tea.KeyDown))
	if got := payloadOf(); got != "second" {
		t.Fatalf("down selected %s", got)
	}
	m.openSelected()
	if m.detail == nil {
		t.Fatal("enter on the selected message opened nothing")
	}
}

// TestRepeatedConnectFailuresFoldIntoOneRow: a broker that stays down for
// the night leaves one row that counts the attempts, not one row each.
func TestRepeatedConnectFailuresFoldIntoOneRow(t *testing.T) {
	m, _ := newTestModel(120, 20)
	refused := errors.New("connection refused")
	fail := func(at time.Duration, err error, retry time.Duration) mqttconn.Event {
		return mqttconn.Event{Kind: mqttconn.KindConnectFailed, Err: err, RetryIn: retry, Time: t0.Add(at)}
	}
	m = step(m, batch(fail(0, refused, time.Second), fail(time.Second, refused, 2*time.Second)))
	m = step(m, batch(fail(3*time.Second, refused, 16*time.Second)))
	held := m.list.Len()
	s := plain(m)
	if strings.Count(s, "connect failed") != 1 || !strings.Contains(s, "09:30:03 ── ×3 since 09:30:00 · connect failed: connection refused — retrying in 16s") {
		t.Fatalf("three refusals in a row:\n%s", s)
	}
	// Another reason starts a new row; so does anything in between.
	m = step(m, batch(fail(7*time.Second, errors.New("i/o timeout"), 8*time.Second), msgEvent("t", "x", 8*time.Second),
		fail(9*time.Second, errors.New("i/o timeout"), 8*time.Second)))
	if m.list.Len() != held+3 || strings.Count(plain(m), "connect failed") != 3 {
		t.Fatalf("different rows were folded:\n%s", plain(m))
	}
	// The byte count stays exact while a row's text changes.
	want := 0
	m.list.forEach(func(e *entry) { want += e.cost() })
	if m.list.bytes != want {
		t.Fatalf("list counts %d bytes, its rows cost %d", m.list.bytes, want)
	}
}

// TestReconnectCountdown: during a back-off the status bar counts down to
// the next attempt, with the key that tries at once.
func TestReconnectCountdown(t *testing.T) {
	m, _ := newTestModel(120, 24)
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindConnectFailed, Attempt: 5, Err: io.EOF, RetryIn: 12 * time.Second, Time: t0}))
	m = step(m, tickMsg{at: t0.Add(5 * time.Second)})
	if s := strings.SplitN(plain(m), "\n", 2)[0]; !strings.Contains(s, "reconnecting in 7 s (attempt 6) · F5 now") {
		t.Fatalf("countdown: %q", s)
	}
}

// TestHeldPreviewDoesNotKeepTheWholePayload: the list keeps a copy of the
// first 4 KiB, not a slice of the received payload, whose backing array
// would otherwise stay alive (20 × 16 MiB messages once held 428 MB).
func TestHeldPreviewDoesNotKeepTheWholePayload(t *testing.T) {
	big := make([]byte, 1<<20)
	e := newMessageEntry(entryIn, mqttconn.Message{Topic: "big", Payload: big}, analysis{})
	if len(e.payload) != previewLimit || cap(e.payload) > 2*previewLimit || &e.payload[0] == &big[0] {
		t.Fatalf("held %d bytes, capacity %d, shares the payload: %v", len(e.payload), cap(e.payload), &e.payload[0] == &big[0])
	}
}

// TestTooLargeAndAckedAsQoS1AreSaid: what the connection reports of an
// oversized inbound message and of a QoS 2 message acknowledged with QoS
// 1's ack is said in words, not passed over nor called acknowledged (nor a
// QoS 0 one, which has no acknowledgement).
func TestTooLargeAndAckedAsQoS1AreSaid(t *testing.T) {
	m, _ := newTestModel(160, 24)
	out := mqttconn.Message{Topic: "q2", Payload: []byte("exactly once?"), QoS: 2, Time: t0}
	m = step(m, batch(
		mqttconn.Event{Kind: mqttconn.KindTooLarge, Size: 20 << 20, Message: mqttconn.Message{Topic: "huge", QoS: 1}, Time: t0},
		mqttconn.Event{Kind: mqttconn.KindTooLarge, Size: 20 << 20, Message: mqttconn.Message{Topic: "huge0", QoS: 0}, Time: t0},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateSending, Message: out, Time: t0},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateAckedAsQoS1, Time: t0},
	))
	s := plain(m)
	if !strings.Contains(s, "a message on huge of 20.0 MiB was over the size cap: acknowledged to the broker, not kept or shown") ||
		!strings.Contains(s, "a message on huge0 of 20.0 MiB was over the size cap: not kept or shown") || // QoS 0: no ack
		!strings.Contains(s, "acknowledged as QoS 1 (the broker answered QoS 2 with PUBACK)") {
		t.Fatalf("screen:\n%s", s)
	}
}

// TestFloodRendersOnlyWhatIsShown: while the list follows the newest rows,
// pushing (and evicting) renders no row; the frame renders only the rows it
// shows (issue 14: a flood rendered every message as it reached the top).
func TestFloodRendersOnlyWhatIsShown(t *testing.T) {
	l := newMessageList(200, 1<<30, 0, testStyles())
	l.setSize(80, 10)
	for i := range 2000 {
		l.push(newMessageEntry(entryIn, mqttconn.Message{Topic: "flood/x", Payload: []byte(fmt.Sprint("message ", i)), Time: t0}, analysis{}))
	}
	rendered := func() int {
		n := 0
		l.forEach(func(e *entry) {
			if e.cache != nil {
				n++
			}
		})
		return n
	}
	if n := rendered(); n != 0 {
		t.Errorf("pushing rendered %d rows", n)
	}
	_ = l.View(l.styles, false)
	if n := rendered(); n == 0 || n > 10 {
		t.Errorf("a frame of 10 lines rendered %d rows", n)
	}
	// Scrolled to the top, the list still stops at the oldest row.
	l.scrollToTop()
	top := l.offset
	l.scroll(5)
	if l.offset != top || top != l.Len()-10 {
		t.Errorf("offset %d past the top %d (held %d)", l.offset, top, l.Len())
	}
}
