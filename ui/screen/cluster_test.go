package screen

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
)

// TestClusterMove: the status bar names the node in use, the timeline says
// when a connect attempt moves on and when the connection moved (and why),
// and a QoS 2 message whose node went away is "fate unknown", not
// acknowledged.
func TestClusterMove(t *testing.T) {
	m, _ := newTestModel(180, 20)
	out := mqttconn.Message{Topic: "chat/room", Payload: []byte("exactly once?"), QoS: 2, Time: t0.Add(time.Second)}
	steps := []struct {
		ev        mqttconn.Event
		status    string // in the status bar
		row       string // in the list, when not ""
		notInList string
	}{
		{ev: mqttconn.Event{Kind: mqttconn.KindConnecting, Attempt: 1, Node: "a:1883", Nodes: 2}, status: "● connecting · node a:1883 (cluster of 2)"},
		{ev: mqttconn.Event{Kind: mqttconn.KindConnectFailed, Attempt: 1, Node: "a:1883", Nodes: 2, Next: "b:1883", Err: errors.New("nothing listens at a:1883")},
			row: "connect failed on node a:1883: nothing listens at a:1883 — trying node b:1883"},
		{ev: mqttconn.Event{Kind: mqttconn.KindConnecting, Attempt: 2, Node: "b:1883", Nodes: 2}, status: "node b:1883 (cluster of 2)"},
		{ev: mqttconn.Event{Kind: mqttconn.KindConnected, Attempt: 2, Node: "b:1883", Nodes: 2, MovedFrom: "a:1883", MoveErr: errors.New("nothing listens at a:1883")},
			status: "● connected · node b:1883 (cluster of 2)", row: "moved to node b:1883: node a:1883: nothing listens at a:1883"},
		{ev: mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateSending, Message: out}},
		{ev: mqttconn.Event{Kind: mqttconn.KindLost, Node: "b:1883", Nodes: 2, Err: errors.New("EOF")}, status: "connection lost"},
		{ev: mqttconn.Event{Kind: mqttconn.KindConnected, Attempt: 1, Node: "a:1883", Nodes: 2, MovedFrom: "b:1883", MoveErr: errors.New("EOF"), Downtime: 1500 * time.Millisecond},
			status: "node a:1883", row: "moved to node a:1883: node b:1883: the broker closed the connection · reconnected after 1.5s"},
		{ev: mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateFateUnknown, Err: errors.New("received by node b:1883 (PUBREC), not completed before it went away")},
			row: "exactly once? ? fate unknown (its node went away mid-QoS 2; not resent)", notInList: "acknowledged"},
	}
	for i, s := range steps {
		s.ev.Time = t0.Add(time.Duration(i) * time.Second)
		m = step(m, batch(s.ev))
		status, list, _ := strings.Cut(plain(m), "\n")
		if !strings.Contains(status, s.status) {
			t.Fatalf("step %d: status %q lacks %q", i, status, s.status)
		}
		if s.row != "" && !strings.Contains(list, s.row) {
			t.Fatalf("step %d: no row %q:\n%s", i, s.row, list)
		}
		if s.notInList != "" && strings.Contains(list, s.notInList) {
			t.Fatalf("step %d: %q in\n%s", i, s.notInList, list)
		}
	}
	golden(t, "cluster_180x20", plain(m))
}

// TestSingleBrokerStatusUnchanged: one broker (Nodes 1) shows its address
// as before, not a node.
func TestSingleBrokerStatusUnchanged(t *testing.T) {
	m, _ := newTestModel(100, 20)
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindConnected, Attempt: 1, Node: "a:1883", Nodes: 1, Time: t0}))
	if status, _, _ := strings.Cut(plain(m), "\n"); strings.Contains(status, "node") || strings.Contains(status, "cluster") {
		t.Fatalf("status %q", status)
	}
}

// moverConn is a fake connection that can follow a Server Reference.
type moverConn struct {
	*fakeConn
	used []string
}

func (c *moverConn) UseServer(ref *mqttconn.ServerReference) error {
	c.used = append(c.used, ref.Server)
	return nil
}

// TestServerReferenceAsksFirst: a broker's Server Reference is shown in
// words (sanitized), moves nothing by itself, and is followed only after a
// deliberate y; a refused one (credentials over plain TCP) is only shown;
// the same server is not asked about twice.
func TestServerReferenceAsksFirst(t *testing.T) {
	c := &moverConn{fakeConn: newFakeConn()}
	m := New(c, Options{Broker: "a:1883", ClientID: "me", Topic: "chat"})
	m = step(m, tea.WindowSizeMsg{Width: 160, Height: 30})
	ref := &mqttconn.ServerReference{Code: mqttconn.ReasonCodeServerMoved, Raw: "b:1883\x1b[2J", Nodes: []string{"b:1883"}, Server: "tcp://b:1883"}
	ev := mqttconn.Event{Kind: mqttconn.KindLost, Node: "a:1883", Nodes: 1, Err: errors.New("the broker disconnected us: server moved"), ServerRef: ref, Time: t0}
	m, cmd := stepCmd(m, batch(ev))
	v := plain(m)
	if m.mode != modeQuestion || !strings.Contains(v, "Move to b:1883, the server the broker named?") ||
		!strings.Contains(v, `the broker says "server moved" and names another server: b:1883␛[2J`) || strings.Contains(m.View(), "\x1b[2J") {
		t.Fatalf("no question, or unsanitized:\n%s", v)
	}
	if cmd == nil || len(c.used) != 0 {
		t.Fatalf("moved before the answer: %v", c.used)
	}
	m = step(m, runes("y")) // too soon: refused
	if len(c.used) != 0 || m.mode != modeQuestion {
		t.Fatal("a y before the guard answered")
	}
	m = arm(m)
	m, cmd = stepCmd(m, runes("y"))
	if cmd == nil {
		t.Fatal("yes did nothing")
	}
	m = step(m, cmd())
	if len(c.used) != 1 || c.used[0] != "tcp://b:1883" || m.mode == modeQuestion {
		t.Fatalf("followed %v, mode %v", c.used, m.mode)
	}
	// The same server again: shown, not asked.
	m = step(m, batch(ev))
	if m.mode == modeQuestion || !strings.Contains(plain(m), "not moving there: you were asked already") {
		t.Fatalf("asked twice:\n%s", plain(m))
	}
	refused := &mqttconn.ServerReference{Code: mqttconn.ReasonCodeUseAnotherServer, Raw: "c", Nodes: []string{"c"},
		Refused: "not followed: it would send your user name and password unencrypted to a host the broker chose"}
	ev.ServerRef, ev.Kind = refused, mqttconn.KindConnectFailed
	m = step(m, batch(ev))
	if m.mode == modeQuestion || !strings.Contains(plain(m), "names another server: c — not followed: it would send your user name an") {
		t.Fatalf("refused reference:\n%s", plain(m))
	}
}
