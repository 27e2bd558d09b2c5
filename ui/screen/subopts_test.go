package screen

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
)

// TestParseSub: /sub's QoS and MQTT 5 options, short and long, in any
// order; what is wrong is said in words.
func TestParseSub(t *testing.T) {
	ok := []struct {
		args string
		want mqttconn.Subscription
	}{
		{"a/#", mqttconn.Subscription{Filter: "a/#", QoS: 1}},
		{"a/# 2", mqttconn.Subscription{Filter: "a/#", QoS: 2}},
		{"a nl", mqttconn.Subscription{Filter: "a", QoS: 1, NoLocal: true}},
		{"a rap 0 rh=2", mqttconn.Subscription{Filter: "a", RetainAsPublished: true, RetainHandling: 2}},
		{"a --no-local --retain-as-published --retain-handling=1", mqttconn.Subscription{Filter: "a", QoS: 1, NoLocal: true, RetainAsPublished: true, RetainHandling: 1}},
		{"$share/g/a rap rh=1", mqttconn.Subscription{Filter: "$share/g/a", QoS: 1, RetainAsPublished: true, RetainHandling: 1}},
	}
	for _, tc := range ok {
		got, err := parseSub(tc.args, 1, true)
		if err != nil || got != tc.want {
			t.Errorf("parseSub(%q) = %+v, %v; want %+v", tc.args, got, err, tc.want)
		}
	}
	bad := []struct {
		args string
		v5   bool
		want string
	}{
		{"", true, "/sub FILTER [qos] [nl] [rap] [rh=0|1|2]: give a topic filter"},
		{"a 3", true, `/sub: "3" is not a QoS`},
		{"a 1 2", true, `/sub: "2" is neither a QoS nor an option`},
		{"a rh=3", true, `/sub: "rh=3": retain handling is rh=0 (always), rh=1 (new subscriptions only) or rh=2 (never)`},
		{"a nope", true, `/sub: "nope" is neither a QoS nor an option (nl, rap, rh=N)`},
		{"a nl", false, "/sub: subscription options (no local) are MQTT 5: start mqttchat with -V 5"},
		{"a rap rh=1", false, "/sub: subscription options (retain as published, retained: new only) are MQTT 5"},
		{"$share/g/a nl", true, "/sub: no local on a shared subscription is a protocol error in MQTT 5 (MQTT-3.8.3-4)"},
		{"$share/g+/a", true, "must not contain + or #"},
	}
	for _, tc := range bad {
		if _, err := parseSub(tc.args, 0, tc.v5); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseSub(%q, v5 %v) = %v; want %q", tc.args, tc.v5, err, tc.want)
		}
	}
}

// TestSubWithOptions: /sub over MQTT 5 sends the options and the rooms
// pane shows them on the room's third line; over MQTT 3.1.1 the line
// stays in the field with the error and nothing is sent.
func TestSubWithOptions(t *testing.T) {
	c := newFakeConn()
	m := New(c, Options{MQTT5: true, Subscriptions: []mqttconn.Subscription{{Filter: "#"}}})
	m = step(m, tea.WindowSizeMsg{Width: 140, Height: 24})
	m, cmd := typeLine(m, "/sub chat/+ 1 nl rh=2")
	if cmd == nil {
		t.Fatal("/sub returned no command")
	}
	m = step(m, cmd())
	if len(c.subs) != 1 || c.subs[0] != "+chat/+/1 no local, retained: never" {
		t.Fatalf("sent %v", c.subs)
	}
	if s := plain(m); !strings.Contains(s, "│    no local, retained: never") {
		t.Fatalf("options not in the pane:\n%s", s)
	}
	m3, c3 := newTestModel(140, 24) // MQTT 3.1.1
	m3, _ = typeLine(m3, "/sub x nl")
	if len(c3.subs) != 0 || m3.composer.text.Value() != "/sub x nl" || !strings.Contains(plain(m3), "are MQTT 5: start mqttchat with -V 5") {
		t.Fatalf("over 3.1.1: sent %v, field %q\n%s", c3.subs, m3.composer.text.Value(), plain(m3))
	}
}

// TestSharedRoom: a $share room counts the messages under its filter
// part, shows its group, and, being one topic, is where the composer
// writes (the topic after $share/<group>/).
func TestSharedRoom(t *testing.T) {
	m := New(newFakeConn(), Options{MQTT5: true, Subscriptions: []mqttconn.Subscription{
		{Filter: "$share/workers/jobs"}, {Filter: "$share/g/sensors/#"}, {Filter: "$queue/tasks"}}})
	m = step(m, tea.WindowSizeMsg{Width: 140, Height: 24})
	m = step(m, batch(msgEvent("jobs", "1", 0), msgEvent("jobs", "2", 0), msgEvent("sensors/a", "3", 0),
		msgEvent("tasks", "4", 0), msgEvent("$share/workers/jobs", "literal", 0)))
	want := map[string]uint64{"$share/workers/jobs": 2, "$share/g/sensors/#": 1, "$queue/tasks": 1}
	for _, r := range m.rooms.rooms {
		if r.received != want[r.filter] {
			t.Errorf("room %s: %d received, want %d", r.filter, r.received, want[r.filter])
		}
	}
	s := plain(m)
	for _, line := range []string{"│    shared (workers)", "│    shared (g)", "│    shared ($queue)"} {
		if !strings.Contains(s, line) {
			t.Fatalf("no %q:\n%s", line, s)
		}
	}
	m.setFocus(focusRooms)
	m = step(m, keyMsg(tea.KeyDown))
	if r := m.rooms.current(); r == nil || r.filter != "$share/workers/jobs" || m.list.visibleLen() != 2 || m.composer.topic.Value() != "jobs" {
		t.Fatalf("room %v: %d visible, composer topic %q", r, m.list.visibleLen(), m.composer.topic.Value())
	}
	m = step(m, keyMsg(tea.KeyDown)) // a wildcard filter: the composer's topic stays
	if m.composer.topic.Value() != "jobs" {
		t.Fatalf("composer topic %q", m.composer.topic.Value())
	}
	// A click finds the rooms below a three-line room.
	m, _ = stepCmd(m, tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, X: 130, Y: 2 + 2 + 3 + 3})
	if r := m.rooms.current(); r == nil || r.filter != "$queue/tasks" {
		t.Fatalf("click selected %v", r)
	}
}

// TestNoLocalRoomsExpectNoEcho: our message is marked echoed when a
// subscription without No Local brings it back, a shared one included
// (the broker may pick us in the group); with No Local on every matching
// subscription nothing of ours comes back, so the same text from another
// client is shown, not taken for our echo.
func TestNoLocalRoomsExpectNoEcho(t *testing.T) {
	for _, tc := range []struct {
		filter  string
		noLocal bool
	}{{"chat/#", false}, {"$share/g/chat/#", false}, {"chat/#", true}} {
		noLocal := tc.noLocal
		t.Run(fmt.Sprint(tc.filter, " no local ", noLocal), func(t *testing.T) {
			m := New(newFakeConn(), Options{MQTT5: true, Subscriptions: []mqttconn.Subscription{{Filter: tc.filter, NoLocal: noLocal}}})
			m = step(m, tea.WindowSizeMsg{Width: 100, Height: 24})
			in := msgEvent("chat/room", "hello", 20*time.Millisecond)
			m = step(m, batch(append(sentEvents(1, "chat/room", "hello", 0, 0), in)...))
			s := plain(m)
			if echoed := strings.Contains(s, "echoed"); echoed == noLocal || strings.Contains(s, "◀ chat/room hello") != noLocal {
				t.Fatalf("no local %v:\n%s", noLocal, s)
			}
		})
	}
}

// TestConnackFacts: an id the broker assigned replaces "the broker assigns
// one" in the status bar and stays; its keep-alive shows while it holds;
// the timeline says both.
func TestConnackFacts(t *testing.T) {
	m := New(newFakeConn(), Options{MQTT5: true, AssignID: true, Subscriptions: []mqttconn.Subscription{{Filter: "#"}}})
	m = step(m, tea.WindowSizeMsg{Width: 160, Height: 20})
	if s := plain(m); !strings.Contains(s, "· id: the broker assigns one ·") {
		t.Fatalf("before connecting:\n%s", s)
	}
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindConnected, Time: t0, AssignedID: "auto-7F3A", ServerKeepAlive: 30 * time.Second}))
	s := plain(m)
	if !strings.Contains(s, "· id auto-7F3A (assigned) · keep-alive 30 s (the broker's) ·") ||
		!strings.Contains(s, "connected · the broker assigned the client id auto-7F3A · the broker set the keep-alive to 30 s") {
		t.Fatalf("connected:\n%s", s)
	}
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindConnected, Time: t0.Add(time.Minute), Downtime: time.Second, SessionPresent: true}))
	if s := plain(m); !strings.Contains(s, "· id auto-7F3A (assigned) ·") || strings.Contains(s, "keep-alive 30 s (the broker's)") {
		t.Fatalf("reconnected:\n%s", s)
	}
	if got := keepAliveText(2 * time.Minute); got != "2 min" {
		t.Fatalf("keepAliveText: %q", got)
	}
}

// TestRoomsOptionsGolden: the rooms pane with options and a shared
// subscription, at the widths where it shows and where it hides.
func TestRoomsOptionsGolden(t *testing.T) {
	for _, w := range []int{40, 80, 120} {
		m := New(newFakeConn(), Options{MQTT5: true, ClientID: "mqttchatTEST0000000000", Subscriptions: []mqttconn.Subscription{
			{Filter: "chat/#", QoS: 1, NoLocal: true, RetainHandling: 1},
			{Filter: "$share/workers/jobs/+", QoS: 1, RetainAsPublished: true},
			{Filter: "plain"}}})
		m = step(m, tea.WindowSizeMsg{Width: w, Height: 16})
		m = step(m, batch(
			mqttconn.Event{Kind: mqttconn.KindSubscribed, Filter: "chat/#", QoS: 1, Granted: 1, Time: t0},
			mqttconn.Event{Kind: mqttconn.KindSubscribed, Filter: "$share/workers/jobs/+", QoS: 1, Granted: 1, Time: t0},
			msgEvent("jobs/1", "build", time.Second), msgEvent("chat/x", "hi", 2*time.Second),
		))
		m = step(m, tickMsg{at: t0.Add(5 * time.Second)})
		golden(t, fmt.Sprintf("rooms_options_%d", w), plain(m))
	}
}
