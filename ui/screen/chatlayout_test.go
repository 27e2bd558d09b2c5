package screen

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
)

// chatLayoutScreen is a lobby with names (MQTT 5), one unnamed message, one
// of ours and a sensor in a wildcard room.
func chatLayoutScreen(w, h int) Model {
	named := func(name string) *mqttconn.Properties {
		return &mqttconn.Properties{User: []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: name}}}
	}
	m := New(newFakeConn(), Options{Broker: "a:1883", ClientID: "me", Topic: "chat/lobby",
		Subscriptions: []mqttconn.Subscription{{Filter: "#"}, {Filter: "chat/lobby", QoS: 1}, {Filter: "sensors/+"}}})
	m = step(m, tea.WindowSizeMsg{Width: w, Height: h})
	alice := msgEvent("chat/lobby", "hello", 0)
	alice.Message.Properties = named("alice")
	bob := msgEvent("chat/lobby", "a longer message from bob that wraps over more than one line of the list at forty columns", time.Second)
	bob.Message.Properties = named("bob")
	mine := mqttconn.Message{Topic: "chat/lobby", Payload: []byte("hello back"), QoS: 1, Time: t0.Add(3 * time.Second)}
	return step(m, batch(
		alice,
		msgEvent("sensors/kitchen", "21.5", 1500*time.Millisecond),
		bob,
		msgEvent("chat/lobby", "no name here", 2*time.Second),
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateSending, Message: mine, Time: mine.Time},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateAcked, Time: mine.Time},
	))
}

// chatRows is the list's rows as drawn, without styling.
func chatRows(m Model) string {
	return ansi.Strip(strings.Join(m.list.rows(m.styles, false, false), "\n"))
}

// TestChatLayoutInOneTopicRooms: a room that is one topic shows its rows
// like a chat, without repeating the topic (`◀ alice ▸ hello`, `▶ you
// hello back`); "all" and a wildcard room keep the topic; going back to
// "all" draws the topic again (the layout is part of the row cache's key).
func TestChatLayoutInOneTopicRooms(t *testing.T) {
	m := chatLayoutScreen(120, 24)
	m.setFocus(focusRooms)
	steps := []struct {
		key          tea.KeyMsg
		want, absent []string
	}{
		{keyMsg(tea.KeyDown), // "#": everything, with topics
			[]string{"◀ alice ▸ chat/lobby hello", "◀ sensors/kitchen 21.5", "◀ chat/lobby no name here", "▶ you → chat/lobby q1 hello back ✓"}, nil},
		{keyMsg(tea.KeyDown), // chat/lobby: the chat layout
			[]string{"◀ alice ▸ hello", "◀ bob ▸ a longer message", "◀ no name here", "▶ you q1 hello back ✓ acknowledged"},
			[]string{"chat/lobby", "sensors"}},
		{keyMsg(tea.KeyDown), // sensors/+: a wildcard room keeps the topic
			[]string{"◀ sensors/kitchen 21.5"}, []string{"alice"}},
		{keyMsg(tea.KeyHome), // all: topics again, from the same cached rows
			[]string{"◀ alice ▸ chat/lobby hello", "▶ you → chat/lobby q1 hello back ✓"}, nil},
	}
	for i, s := range steps {
		m = step(m, s.key)
		rows := chatRows(m)
		for _, w := range s.want {
			if !strings.Contains(rows, w) {
				t.Errorf("step %d: no %q in\n%s", i, w, rows)
			}
		}
		for _, a := range s.absent {
			if strings.Contains(rows, a) {
				t.Errorf("step %d: %q in\n%s", i, a, rows)
			}
		}
	}
}

// TestChatLayoutFilter: a list filter of one topic (typed after /) is the
// chat layout too; one with a wildcard is not.
func TestChatLayoutFilter(t *testing.T) {
	for _, tc := range []struct {
		filter string
		chat   bool
	}{
		{"chat/lobby", true},
		{"chat/+", false},
		{"$share/g/chat/lobby", true},
		{"$share/g/chat/#", false},
		{"hello", false}, // text only: every topic
	} {
		f, err := parseFilter(tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.oneTopic(); got != tc.chat {
			t.Errorf("%q: chat layout %v, want %v", tc.filter, got, tc.chat)
		}
	}
	if (*listFilter)(nil).oneTopic() {
		t.Error("no filter is the chat layout")
	}
}

// TestChatLayoutGolden: the lobby room at 40, 80 and 120 columns.
func TestChatLayoutGolden(t *testing.T) {
	for _, w := range []int{40, 80, 120} {
		m := chatLayoutScreen(w, 20)
		m.rooms.selectAt(2) // chat/lobby (the pane is hidden below 90 columns)
		m.showRoom()
		v := m.View()
		if i, n := widest(v); n > w {
			t.Errorf("width %d line %d is %d wide", w, i, n)
		}
		golden(t, fmt.Sprintf("chat_layout_%d", w), ansi.Strip(v))
	}
}

// TestRoomsPaneShowsLastSender: a room's second line names who spoke last
// (MQTT 5 names, sanitized); a message without a name clears it.
func TestRoomsPaneShowsLastSender(t *testing.T) {
	m := chatLayoutScreen(120, 24)
	named := msgEvent("chat/lobby", "hi", 5*time.Second)
	named.Message.Properties = &mqttconn.Properties{User: []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: "car\x1b[2Jol"}}}
	m = step(m, batch(named))
	if v := m.View(); strings.Count(ansi.Strip(v), "· car␛[2Jol ▸") != 2 || strings.Contains(v, "\x1b[2J") {
		t.Fatalf("the rooms # and chat/lobby do not both name the sender, sanitized:\n%s", ansi.Strip(v))
	}
	m = step(m, batch(msgEvent("chat/lobby", "anonymous", 6*time.Second)))
	if v := plain(m); strings.Contains(v, "· car") {
		t.Fatalf("an unnamed message left the last name:\n%s", v)
	}
	// Our own message come back (its echo, carrying our name): "you".
	m.name = "ann"
	own := append(sentEvents(9, "chat/lobby", "mine", 0, 7*time.Second), msgEvent("chat/lobby", "mine", 7*time.Second+5*time.Millisecond))
	own[2].Message.Properties = &mqttconn.Properties{User: []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: "ann"}}}
	m = step(m, batch(own...))
	if v := plain(m); strings.Count(v, "· you ▸") != 2 || strings.Contains(v, "ann ▸") {
		t.Fatalf("our own echo does not show as \"you\" in the rooms:\n%s", v)
	}
}
