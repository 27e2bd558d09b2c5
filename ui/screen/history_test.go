package screen

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
)

func TestLiveFilter(t *testing.T) {
	m, _ := newTestModel(140, 24)
	m = step(m, batch(
		mqttconn.Event{Kind: mqttconn.KindConnected, Time: t0},
		msgEvent("sensors/kitchen/temp", "21.5", 0),
		msgEvent("sensors/hall/temp", "19.0", time.Second),
		msgEvent("sensors/kitchen/hum", "40", 2*time.Second),
		msgEvent("chat/room", "temp is fine", 3*time.Second),
	))
	m.setFocus(focusList)
	m = step(m, runes("/"))
	if m.mode != modeFilter {
		t.Fatal("/ in the list did not open the filter")
	}
	for _, r := range "sensors/+/temp" {
		m = step(m, runes(string(r)))
	}
	s := plain(m)
	if !strings.Contains(s, "2 of 4") || strings.Contains(s, "kitchen/hum") || strings.Contains(s, "chat/room temp") {
		t.Fatalf("topic filter:\n%s", s)
	}
	// A text after the topic filter narrows further, live.
	for _, r := range " 19" {
		m = step(m, runes(string(r)))
	}
	if s := plain(m); !strings.Contains(s, "1 of 4") || !strings.Contains(s, "hall/temp 19.0") {
		t.Fatalf("topic and text filter:\n%s", s)
	}
	// Enter keeps the filter; new matching messages appear, others do not.
	m = step(m, keyMsg(tea.KeyEnter))
	m = step(m, batch(msgEvent("sensors/attic/temp", "19.5", time.Minute), msgEvent("other", "19", time.Minute)))
	if s := plain(m); !strings.Contains(s, "2 of 6") || !strings.Contains(s, "attic/temp") || strings.Contains(s, "◀ other") {
		t.Fatalf("after new messages:\n%s", s)
	}
	// Esc clears it.
	m = step(m, keyMsg(tea.KeyEsc))
	if s := plain(m); strings.Contains(s, "of 6") || !strings.Contains(s, "◀ other") {
		t.Fatalf("after esc:\n%s", s)
	}
	// Text alone; a bad topic filter says why and keeps the list as it was.
	m = step(m, runes("/"))
	for _, r := range "a/#/b" {
		m = step(m, runes(string(r)))
	}
	if s := plain(m); !strings.Contains(s, "must be the last level") {
		t.Fatalf("bad filter not explained:\n%s", s)
	}
	m = step(m, keyMsg(tea.KeyEsc))
	m = step(m, runes("/"))
	m = step(m, runes("fine"))
	if s := plain(m); !strings.Contains(s, "1 of 6") || !strings.Contains(s, "temp is fine") {
		t.Fatalf("text filter:\n%s", s)
	}
	// While filtering, keys type into the filter, not the composer; ctrl+c still quits.
	if m.composer.text.Value() != "" {
		t.Fatal("filter keys reached the composer")
	}
	if _, cmd := stepCmd(m, keyMsg(tea.KeyCtrlC)); cmd == nil {
		t.Fatal("ctrl+c while filtering does not quit")
	}
}

func TestFilterOver50000IsIndexedNotRescanned(t *testing.T) {
	l := newMessageList(50000, 1<<30, 0, testStyles())
	l.setSize(100, 20)
	for i := range 60000 {
		l.push(newMessageEntry(entryIn, mqttconn.Message{Topic: fmt.Sprintf("s/%d", i%10), Payload: []byte(fmt.Sprint(i))}, analysis{}))
	}
	f, _ := parseFilter("s/3")
	l.setFilter(f)
	if l.visibleLen() != 5000 {
		t.Fatalf("%d matches, want 5000", l.visibleLen())
	}
	// Eviction keeps the matches in step with the window.
	for i := range 1000 {
		l.push(newMessageEntry(entryIn, mqttconn.Message{Topic: "s/3", Payload: []byte(fmt.Sprint("new", i))}, analysis{}))
	}
	if l.visibleLen() != 5900 || l.visibleAt(0).seq < l.firstSeq {
		t.Fatalf("%d matches after eviction; first seq %d < %d", l.visibleLen(), l.visibleAt(0).seq, l.firstSeq)
	}
	if got := string(l.visibleAt(l.visibleLen() - 1).payload); got != "new999" {
		t.Fatalf("last match %q", got)
	}
}

func TestRecallWalksSentTextsAndTopics(t *testing.T) {
	c := newFakeConn()
	var saved []string
	m := New(c, Options{Topic: "t/now", RecallTexts: []string{"older text"}, RecallTopics: []string{"t/old"},
		OnSent: func(topic, text string) error { saved = append(saved, topic+"="+text); return nil }})
	m = step(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = typeText(m, "newest")
	m, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
	m, cmd = stepCmd(m, cmd())
	if cmd == nil {
		t.Fatal("no save command after sending")
	}
	m = step(m, cmd())
	if len(saved) != 1 || saved[0] != "t/now=newest" {
		t.Fatalf("saved %v", saved)
	}
	m = typeText(m, "draft")
	m = step(m, keyMsg(tea.KeyUp))
	if v := m.composer.text.Value(); v != "newest" {
		t.Fatalf("first up: %q", v)
	}
	m = step(m, keyMsg(tea.KeyUp))
	if v := m.composer.text.Value(); v != "older text" {
		t.Fatalf("second up: %q", v)
	}
	m = step(m, keyMsg(tea.KeyUp)) // at the end: stays
	m = step(m, keyMsg(tea.KeyDown))
	m = step(m, keyMsg(tea.KeyDown))
	if v := m.composer.text.Value(); v != "draft" {
		t.Fatalf("back down to the draft: %q", v)
	}
	// In the topic field, Up walks topics.
	m = step(m, keyMsg(tea.KeyTab))
	m = step(m, keyMsg(tea.KeyUp))
	if v := m.composer.topic.Value(); v != "t/now" {
		t.Fatalf("topic up: %q", v)
	}
	m = step(m, keyMsg(tea.KeyUp))
	if v := m.composer.topic.Value(); v != "t/old" {
		t.Fatalf("topic up twice: %q", v)
	}
	if !m.list.atBottom() {
		t.Fatal("recall scrolled the list")
	}
}

func TestRecallKeepsArrowsInsideMultilineText(t *testing.T) {
	m := New(newFakeConn(), Options{Topic: "t", RecallTexts: []string{"old"}})
	m = step(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = typeText(m, "line1")
	m = step(m, tea.KeyMsg{Type: tea.KeyCtrlJ})
	m = typeText(m, "line2")
	m = step(m, keyMsg(tea.KeyUp)) // moves to line 1, does not recall
	if v := m.composer.text.Value(); v != "line1\nline2" {
		t.Fatalf("up on line 2 recalled: %q", v)
	}
	m = step(m, keyMsg(tea.KeyUp)) // now on the first line: recalls
	if v := m.composer.text.Value(); v != "old" {
		t.Fatalf("up on line 1: %q", v)
	}
}

func TestEarlierMessagesAboveDivider(t *testing.T) {
	out := mqttconn.Message{Topic: "chat", Payload: []byte("mine"), QoS: 1, Time: t0}
	m := New(newFakeConn(), Options{Earlier: replayed(
		mqttconn.Event{Kind: mqttconn.KindMessage, Time: t0, Message: mqttconn.Message{Topic: "chat", Payload: []byte("from yesterday"), Time: t0}},
		mqttconn.Event{Kind: mqttconn.KindPublish, Time: t0, OutID: 1, State: mqttconn.StateAcked, Message: out},
	)})
	m = step(m, tea.WindowSizeMsg{Width: 100, Height: 24})
	// A new outgoing message with the same id as one from history gets its own row.
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateQueued, Time: t0.Add(time.Hour),
		Message: mqttconn.Message{Topic: "chat", Payload: []byte("today"), QoS: 1, Time: t0.Add(time.Hour)}}))
	s := plain(m)
	iOld, iDiv, iNew := strings.Index(s, "from yesterday"), strings.Index(s, "earlier: 2 messages from history"), strings.Index(s, "today … queued")
	if iOld < 0 || iDiv < iOld || iNew < iDiv {
		t.Fatalf("order wrong:\n%s", s)
	}
	if !strings.Contains(s, "mine ✓ acknowledged") {
		t.Fatalf("history row changed:\n%s", s)
	}
}

type fakeHistory struct {
	n   uint64
	err error
}

func (f fakeHistory) NotWritten() uint64 { return f.n }
func (f fakeHistory) Err() error         { return f.err }

func TestHistoryTroubleShownNotFatal(t *testing.T) {
	m, _ := newTestModel(160, 24)
	m = step(m, eventsMsg{notWritten: 12, historyErr: errors.New("history: write: no space left on device")})
	s := plain(m)
	if !strings.Contains(s, "history: 12 not written") || !strings.Contains(s, "no space left on device — the chat goes on") {
		t.Fatalf("status:\n%s", s)
	}
	// The drain command reads the writer's status.
	c := newFakeConn()
	c.q.Push(mqttconn.Event{Kind: mqttconn.KindLost})
	msg := waitForEvents(c, fakeHistory{n: 3}, nil, spares{})().(eventsMsg)
	if msg.notWritten != 3 {
		t.Fatalf("drained notWritten %d", msg.notWritten)
	}
}

// TestDayDividersAndLocalTimes: history stores UTC; the list shows local
// times, and a divider names each calendar day (local) the rows cross.
func TestDayDividersAndLocalTimes(t *testing.T) {
	saved := time.Local
	time.Local = time.FixedZone("UTC+5", 5*3600)
	t.Cleanup(func() { time.Local = saved })

	evening := time.Date(2026, 11, 24, 18, 45, 0, 0, time.UTC) // 23:45 on the 24th, local
	late := evening.Add(30 * time.Minute)                      // 00:15 on the 25th, local
	msg := func(at time.Time, text string) mqttconn.Event {
		return mqttconn.Event{Kind: mqttconn.KindMessage, Time: at, Message: mqttconn.Message{Topic: "chat", Payload: []byte(text), Time: at}}
	}
	m := New(newFakeConn(), Options{Earlier: replayed(msg(evening, "before midnight"), msg(late, "after midnight"))})
	m = step(m, tea.WindowSizeMsg{Width: 80, Height: 18})
	now := time.Date(2026, 11, 26, 9, 30, 0, 0, time.Local)
	m = step(m, batch(msg(now, "live today"), msg(now.Add(time.Minute), "still today")))
	golden(t, "days_80x18", plain(m))

	s := plain(m)
	want := []string{"── Tuesday 24 November 2026 ──", "23:45:00 ◀ chat before midnight",
		"── Wednesday 25 November 2026 ──", "00:15:00 ◀ chat after midnight", "earlier: 2 messages",
		"── Thursday 26 November 2026 ──", "09:30:00 ◀ chat live today", "09:31:00 ◀ chat still today"}
	at := 0
	for _, w := range want {
		i := strings.Index(s[at:], w)
		if i < 0 {
			t.Fatalf("%q missing or out of order:\n%s", w, s)
		}
		at += i + len(w)
	}
	if strings.Count(s, "── Thursday") != 1 {
		t.Fatalf("a divider between rows of the same day:\n%s", s)
	}
	// Dividers are timeline rows: selection passes over them, and a filter
	// shows only the messages it matches.
	if e := newDayEntry(now); e.kind != entryEvent {
		t.Fatal("a day divider is not a timeline row")
	}
	m.setFocus(focusList)
	for range 4 {
		m = step(m, keyMsg(tea.KeyUp))
		if e, ok := m.list.selected(); !ok || e.day {
			t.Fatalf("up selected a day divider (or nothing):\n%s", plain(m))
		}
	}
	m.list.applyFilter("today")
	if s := plain(m); strings.Contains(s, "── Thursday") || !strings.Contains(s, "still today") {
		t.Fatalf("the filter shows a divider, or hides a message:\n%s", s)
	}
}

// TestReplayedPartialAndUnknownState: a long payload the history replays
// only in part keeps its whole size (the detail view reads the rest); a
// sent message whose process quit before the broker answered says so, not
// "failed" or "sending".
func TestReplayedPartialAndUnknownState(t *testing.T) {
	sent := mqttconn.Message{Topic: "chat", Payload: []byte("left behind"), QoS: 1, Time: t0}
	m := New(newFakeConn(), Options{Earlier: []Replayed{
		{Event: mqttconn.Event{Kind: mqttconn.KindMessage, Time: t0, Message: mqttconn.Message{Topic: "big", Payload: []byte("start of it"), Time: t0}}, Size: 3 << 20},
		{Event: mqttconn.Event{Kind: mqttconn.KindPublish, Time: t0, State: mqttconn.StateFailed, Err: errors.New("state unknown"), Message: sent}, StateUnknown: true},
	}})
	m = step(m, tea.WindowSizeMsg{Width: 120, Height: 20})
	s := plain(m)
	if !strings.Contains(s, "(3.0 MiB)") || !strings.Contains(s, "? state unknown (quit before the ack)") || strings.Contains(s, "failed") {
		t.Fatalf("replay:\n%s", s)
	}
}

// TestOutboxResendsGoOnTheirReplayedRows: after a crash, a persistent
// session's outbox sends again what the killed run had queued; the row
// replayed from the history goes on (state unknown → acknowledged) rather
// than a second row appearing below.
func TestOutboxResendsGoOnTheirReplayedRows(t *testing.T) {
	sent := mqttconn.Message{Topic: "chat", Payload: []byte("typed before the crash"), QoS: 1, Time: t0}
	m := New(newFakeConn(), Options{Earlier: []Replayed{
		{Event: mqttconn.Event{Kind: mqttconn.KindPublish, Time: t0, State: mqttconn.StateFailed, Message: sent}, StateUnknown: true},
	}})
	m = step(m, tea.WindowSizeMsg{Width: 120, Height: 20})
	m = step(m, batch(
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateQueued, Message: sent, Time: t0.Add(time.Hour)},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateSending, Time: t0.Add(time.Hour)},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateAcked, Time: t0.Add(time.Hour)},
	))
	s := plain(m)
	if strings.Count(s, "typed before the crash") != 1 || !strings.Contains(s, "typed before the crash ✓ acknowledged") {
		t.Fatalf("resend:\n%s", s)
	}
}
