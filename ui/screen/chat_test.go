package screen

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
)

// TestRoomYouSeeIsRoomYouWriteTo: selecting a one-topic room sets where the
// composer publishes; a wildcard room or "all" leaves it.
func TestRoomYouSeeIsRoomYouWriteTo(t *testing.T) {
	m := New(newFakeConn(), Options{Topic: "start/here", Subscriptions: []mqttconn.Subscription{{Filter: "#"}, {Filter: "chat/kitchen"}, {Filter: "$SYS/#"}}})
	m = step(m, tea.WindowSizeMsg{Width: 120, Height: 24})
	m.setFocus(focusRooms)
	m = step(m, keyMsg(tea.KeyDown)) // "#"
	if v := m.composer.topic.Value(); v != "start/here" {
		t.Fatalf("a wildcard room set the topic to %q", v)
	}
	m = step(m, keyMsg(tea.KeyDown)) // chat/kitchen
	if v := m.composer.topic.Value(); v != "chat/kitchen" {
		t.Fatalf("room chat/kitchen: topic %q", v)
	}
	m = step(m, keyMsg(tea.KeyHome)) // all
	if v := m.composer.topic.Value(); v != "chat/kitchen" {
		t.Fatalf("all changed the topic to %q", v)
	}
}

// TestReplyKeyAndTopicClick: r on a message, or a click on its topic, sets
// the composer's topic and gives the text field the keys.
func TestReplyKeyAndTopicClick(t *testing.T) {
	m, c := newTestModel(80, 24)
	m = step(m, batch(msgEvent("sensors/kitchen", "21.5", 0), msgEvent("chat/alice", "hi bob", time.Second)))
	m.setFocus(focusList)
	m = step(m, keyMsg(tea.KeyUp)) // sensors/kitchen
	m = step(m, runes("r"))
	if v := m.composer.topic.Value(); v != "sensors/kitchen" || m.focus != focusText {
		t.Fatalf("reply: topic %q, focus %v", v, m.focus)
	}
	m = typeText(m, "thanks")
	_, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
	cmd()
	if p := c.published[0]; p.Topic != "sensors/kitchen" || string(p.Payload) != "thanks" {
		t.Fatalf("published %+v", p)
	}
	// A click on chat/alice's topic: the list's last row is at screen row
	// listTop+height-1, its topic starts after "hh:mm:ss ◀ ".
	row := listTop + m.list.height - 1
	m = step(m, tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, X: 12, Y: row})
	if v := m.composer.topic.Value(); v != "chat/alice" || m.focus != focusText {
		t.Fatalf("topic click: topic %q, focus %v", v, m.focus)
	}
	// A click on its text selects (and then opens), as before.
	m = step(m, tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, X: 30, Y: row})
	if e, ok := m.list.selected(); !ok || e.topic != "chat/alice" || m.focus != focusList {
		t.Fatal("a click on the text did not select")
	}
}

// sentEvents are the events of one of our messages handed to the broker.
func sentEvents(id uint64, topic, payload string, qos byte, at time.Duration) []mqttconn.Event {
	msg := mqttconn.Message{Topic: topic, Payload: []byte(payload), QoS: qos, Time: t0.Add(at)}
	final := mqttconn.StateAcked
	if qos == 0 {
		final = mqttconn.StateSent
	}
	return []mqttconn.Event{
		{Kind: mqttconn.KindPublish, OutID: id, State: mqttconn.StateSending, Message: msg, Time: t0.Add(at)},
		{Kind: mqttconn.KindPublish, OutID: id, State: final, Time: t0.Add(at + time.Millisecond)},
	}
}

// TestOwnMessageShowsOnceMarkedEchoed: the copy the broker routes back is
// matched to our row, also for the same text sent twice quickly; a message
// from another client with the same text, once ours was echoed, still shows.
func TestOwnMessageShowsOnceMarkedEchoed(t *testing.T) {
	m, _ := newTestModel(100, 24)
	evs := append(sentEvents(1, "chat/room", "hello", 1, 0), sentEvents(2, "chat/room", "hello", 1, 10*time.Millisecond)...)
	echoOf := msgEvent("chat/room", "hello", 20*time.Millisecond)
	echoOf.Message.QoS = 1
	evs = append(evs, echoOf, echoOf) // one echo each
	m = step(m, batch(evs...))
	s := plain(m)
	if strings.Count(s, "hello") != 2 || strings.Count(s, "✓ acknowledged · echoed") != 2 || strings.Contains(s, "◀ chat/room") {
		t.Fatalf("own messages:\n%s", s)
	}
	// Another client says hello too: ours are echoed already, so it shows.
	other := msgEvent("chat/room", "hello", 2*time.Second)
	m = step(m, batch(other))
	if s := plain(m); !strings.Contains(s, "◀ chat/room hello") {
		t.Fatalf("another client's hello hidden:\n%s", s)
	}
	// An echo at a higher QoS than sent is not ours.
	m = step(m, batch(sentEvents(3, "t", "q0", 0, 3*time.Second)...))
	higher := msgEvent("t", "q0", 3*time.Second)
	higher.Message.QoS = 1
	m = step(m, batch(higher))
	if s := plain(m); !strings.Contains(s, "◀ t q1 q0") {
		t.Fatalf("a QoS 1 copy of a QoS 0 message was taken for its echo:\n%s", s)
	}
}

// TestEchoBeforeTheSentEvent: at QoS 0 the broker's copy of our message
// can be read before the writer reports it written; it is still our echo.
func TestEchoBeforeTheSentEvent(t *testing.T) {
	m, _ := newTestModel(100, 24)
	msg := mqttconn.Message{Topic: "chat/room", Payload: []byte("quick"), Time: t0}
	m = step(m, batch(
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateQueued, Message: msg, Time: t0},
		msgEvent("chat/room", "quick", time.Millisecond),
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateSent, Time: t0.Add(2 * time.Millisecond)},
	))
	if s := plain(m); strings.Count(s, "quick") != 1 || !strings.Contains(s, "✓ sent · echoed") {
		t.Fatalf("the early echo was not matched:\n%s", s)
	}
}

// TestEchoInReplayedHistory: the same matching applies to what the history
// replays at start.
func TestEchoInReplayedHistory(t *testing.T) {
	sent := mqttconn.Message{Topic: "chat/room", Payload: []byte("from yesterday"), QoS: 1, Time: t0}
	echoed := msgEvent("chat/room", "from yesterday", 5*time.Millisecond)
	m := New(newFakeConn(), Options{Subscriptions: []mqttconn.Subscription{{Filter: "#"}}, Earlier: replayed(
		mqttconn.Event{Kind: mqttconn.KindPublish, State: mqttconn.StateAcked, Message: sent, Time: t0},
		echoed,
	)})
	m = step(m, tea.WindowSizeMsg{Width: 100, Height: 20})
	if s := plain(m); strings.Count(s, "from yesterday") != 1 || !strings.Contains(s, "echoed") || !strings.Contains(s, "earlier: 2 messages") {
		t.Fatalf("replay:\n%s", s)
	}
}

// TestWrappedRowsSelectionAndScrolling: text messages take up to four
// lines (… n more lines after that); selection and scrolling move by
// message; every line fits the width.
func TestWrappedRowsSelectionAndScrolling(t *testing.T) {
	m, _ := newTestModel(60, 20) // a list of 11 lines
	var evs []mqttconn.Event
	for i := range 12 {
		text := fmt.Sprintf("m%d", i)
		if i%3 == 0 {
			text = fmt.Sprintf("m%d line one\nline two\nline three\nline four\nline five\nline six", i)
		}
		evs = append(evs, msgEvent("t", text, time.Duration(i)*time.Second))
	}
	m = step(m, batch(evs...))
	s := plain(m)
	if !strings.Contains(s, "◀ t m9 line one\n           line two\n           line three\n           … 3 more lines") {
		t.Fatalf("wrapped row:\n%s", s)
	}
	for _, l := range strings.Split(s, "\n") {
		if w := len([]rune(l)); w > 60 {
			t.Fatalf("line wider than 60: %q", l)
		}
	}
	m.setFocus(focusList)
	// From the newest (m11), up three: m10, m9 (four lines), m8.
	for range 3 {
		m = step(m, keyMsg(tea.KeyUp))
	}
	if e, _ := m.list.selected(); string(e.payload) != "m8" {
		t.Fatalf("selected %q", e.payload)
	}
	// Home: the oldest message whole at the top; End: back to the newest.
	m = step(m, keyMsg(tea.KeyHome))
	top := strings.Split(plain(m), "\n")[listTop]
	if e, _ := m.list.selected(); !strings.HasPrefix(string(e.payload), "m0 line one") || !strings.Contains(top, "m0 line one") {
		t.Fatalf("home: top line %q", top)
	}
	m = step(m, keyMsg(tea.KeyEnd))
	if !m.list.atBottom() {
		t.Fatal("end did not return to the bottom")
	}
	// Paging up walks every message exactly once.
	seen := map[string]bool{}
	for range 12 {
		for _, l := range strings.Split(plain(m), "\n") {
			if i := strings.Index(l, "◀ t m"); i >= 0 {
				seen[strings.Fields(l[i+len("◀ t "):])[0]] = true
			}
		}
		m = step(m, keyMsg(tea.KeyPgUp))
	}
	if len(seen) != 12 {
		t.Fatalf("paging up showed %d of 12 messages: %v", len(seen), seen)
	}
}
