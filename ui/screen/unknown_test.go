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

// fateWhy is what mqttconn says of a QoS 2 message whose node went away.
const fateWhy = "sent to node 127.0.0.1:21602 with no answer before it went away; node 127.0.0.1:21601 has no session of ours: " +
	"it may or may not have been delivered, and is not sent again (QoS 2 delivers at most once)"

// unknownScreen holds a replayed message whose state is unknown, an
// acknowledged one and one whose fate is unknown (its node went away).
func unknownScreen(w, h int) Model {
	c := newFakeConn()
	old := mqttconn.Message{Topic: "chat/lobby", Payload: []byte("q1 before"), QoS: 1, Time: t0}
	m := New(c, Options{Broker: "a:1883", ClientID: "me", Topic: "chat/lobby",
		Earlier: []Replayed{{Event: mqttconn.Event{Kind: mqttconn.KindPublish, State: mqttconn.StateSending, Message: old, Time: t0}, StateUnknown: true}}})
	m = step(m, tea.WindowSizeMsg{Width: w, Height: h})
	q1 := mqttconn.Message{Topic: "chat/lobby", Payload: []byte("q1 in flight"), QoS: 1, Time: t0.Add(time.Second)}
	q2 := mqttconn.Message{Topic: "chat/lobby", Payload: []byte("q2 in flight"), QoS: 2, Time: t0.Add(time.Second)}
	return step(m, batch(
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateSending, Message: q1, Time: q1.Time},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateAcked, Time: q1.Time},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 2, State: mqttconn.StateSending, Message: q2, Time: q2.Time},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 2, State: mqttconn.StateFateUnknown, Err: errors.New(fateWhy), Time: q2.Time.Add(time.Second)},
	))
}

// TestUnknownStatesInWords: "fate unknown" and "state unknown" read as
// words in the list at every width (never a bare "?" that says neither),
// and the detail view shows the whole explanation on lines of its own.
func TestUnknownStatesInWords(t *testing.T) {
	for _, w := range []int{40, 80, 100, 120} {
		m := unknownScreen(w, 16)
		list := plain(m)
		for _, want := range []string{"? fate unknown", "? state unknown"} {
			if !strings.Contains(list, want) {
				t.Errorf("width %d: the list lacks %q:\n%s", w, want, list)
			}
		}
		if i, n := widest(m.View()); n > w {
			t.Errorf("width %d line %d is %d wide", w, i, n)
		}
		golden(t, fmt.Sprintf("unknown_list_%d", w), list)
		if w == 100 {
			continue
		}
		m, _ = openLast(t, m)
		v := plain(m)
		joined := strings.Join(strings.Fields(v), " ")
		if !strings.Contains(joined, "fate unknown: "+fateWhy) {
			t.Errorf("width %d: the detail view cuts the explanation:\n%s", w, v)
		}
		if got := strings.Count(v, "\n") + 1; got != 16 {
			t.Errorf("width %d: the detail screen is %d lines, not 16:\n%s", w, got, v)
		}
		golden(t, fmt.Sprintf("unknown_detail_%d", w), v)
	}
}

// TestDetailExplanationArrivesWhileOpen: a message open in the detail view
// whose fate turns unknown gets its explanation under the header, and the
// screen keeps its height.
func TestDetailExplanationArrivesWhileOpen(t *testing.T) {
	m, _ := newTestModel(80, 16)
	q2 := mqttconn.Message{Topic: "chat/lobby", Payload: []byte("q2 in flight"), QoS: 2, Time: t0}
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateSending, Message: q2, Time: t0}))
	m, _ = openLast(t, m)
	if v := plain(m); strings.Contains(v, "fate unknown") {
		t.Fatalf("before:\n%s", v)
	}
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateFateUnknown, Err: errors.New(fateWhy), Time: t0.Add(time.Second)}))
	v := plain(m)
	if !strings.Contains(strings.Join(strings.Fields(v), " "), "fate unknown: "+fateWhy) || !strings.Contains(v, "q2 in flight") {
		t.Fatalf("after:\n%s", v)
	}
	if got := strings.Count(v, "\n") + 1; got != 16 {
		t.Fatalf("the screen is %d lines, not 16:\n%s", got, v)
	}
}
