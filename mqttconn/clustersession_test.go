package mqttconn_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"mqttchat/history"
	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// plainNode is a scripted cluster node that keeps its own session of our
// client id, as a mosquitto joined to others by a plain bridge does: a
// CONNECT without clean start finds it (session present 1, with the QoS 2
// ids still awaiting PUBREL), a clean start drops it. It logs what a test
// checks: each CONNECT's clean flag, a PUBREL for an id it does not hold
// (answered with PUBCOMP anyway, like mosquitto), a PUBLISH reusing an id
// it still holds.
type plainNode struct {
	mu        sync.Mutex
	session   bool
	held      map[uint16]bool // QoS 2 ids awaiting PUBREL
	down      bool            // closes every connection before CONNACK
	dieOnRec  bool            // the next QoS 2 PUBLISH is answered with PUBREC, then the node dies
	log       []string
	completed []string // payloads whose PUBCOMP it sent
	payloads  map[uint16]string
	broker    *scripted.Broker
}

func startPlainNode(t *testing.T) *plainNode {
	n := &plainNode{held: map[uint16]bool{}, payloads: map[uint16]string{}}
	n.broker = scripted.Start(t, n.serve)
	return n
}

func (n *plainNode) note(format string, a ...any) {
	n.log = append(n.log, fmt.Sprintf(format, a...))
}

func (n *plainNode) logged() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.log)
}

func (n *plainNode) setDown(down bool) {
	n.mu.Lock()
	n.down = down
	n.mu.Unlock()
}

func (n *plainNode) serve(c *scripted.Conn) error {
	p, err := c.Expect(scripted.Connect, 5*time.Second)
	if err != nil {
		return err
	}
	n.mu.Lock()
	if n.down {
		n.mu.Unlock()
		return nil
	}
	clean := len(p.Body) > 7 && p.Body[7]&2 != 0 // connect flags, after "MQTT" and the level
	n.note("connect clean=%v", clean)
	if clean {
		n.session = false
		clear(n.held)
	}
	sp := n.session
	n.session = true
	n.mu.Unlock()
	if err := c.Connack(sp, 0); err != nil {
		return err
	}
	for {
		p, err := c.Read(time.Minute)
		if err != nil {
			return nil
		}
		n.mu.Lock()
		var reply func() error
		switch p.Type {
		case scripted.Publish:
			_, id, payload := p.Publish()
			switch p.QoS() {
			case 1:
				reply = func() error { return c.Ack(scripted.Puback, id) }
			case 2:
				if n.held[id] && !p.Dup() {
					n.note("reused id %d", id)
				}
				n.held[id], n.payloads[id] = true, string(payload)
				reply = func() error { return c.Ack(scripted.Pubrec, id) }
				if n.dieOnRec {
					n.dieOnRec, n.down = false, true
					n.mu.Unlock()
					_ = c.Ack(scripted.Pubrec, id)
					_, _ = c.Expect(scripted.Pubrel, 5*time.Second) // read, never answered
					return nil
				}
			}
		case scripted.Pubrel:
			id := p.ID()
			if !n.held[id] {
				n.note("stray PUBREL %d", id)
			} else {
				n.completed = append(n.completed, n.payloads[id])
			}
			delete(n.held, id)
			reply = func() error { return c.Ack(scripted.Pubcomp, id) }
		case scripted.Pingreq:
			reply = func() error { return c.Write(scripted.Pingresp, 0, nil) }
		}
		n.mu.Unlock()
		if reply != nil {
			if err := reply(); err != nil {
				return nil
			}
		}
	}
}

// TestClusterStaleSessionOnBridgedNodes is QA's repro of a stale session
// (bridged nodes, -c): node A dies between PUBREC and PUBREL; the client
// moves to B with a clean start (fate unknown, not acknowledged); the next
// run starts on B, the node that held the session, without clean start;
// when B is down, it moves back to A with a clean start, so A drops its
// stale session: its held PUBREC is not completed with the new message's
// exchange, no id of it is reused, and the new message is acknowledged by
// A for real. Over MQTT 3.1.1 and 5.
func TestClusterStaleSessionOnBridgedNodes(t *testing.T) {
	for _, v := range []uint{4, 5} {
		t.Run(fmt.Sprintf("protocol %d", v), func(t *testing.T) {
			a, b := startPlainNode(t), startPlainNode(t)
			a.dieOnRec = true
			path := filepath.Join(t.TempDir(), "sessions", "cluster.outbox")
			run := func(servers ...string) (*mqttconn.Client, *collector, *history.Outbox) {
				store, restored, err := history.OpenOutbox(path)
				if err != nil {
					t.Fatal(err)
				}
				c, col := newClient5(t, "", func(cfg *mqttconn.Config) {
					cluster(v, servers...)(cfg)
					cfg.PersistentSession, cfg.ClientID = true, "staleSession"
					cfg.Outbox, cfg.Restored, cfg.RestoredInFlight = store, restored, store.RestoredInFlight()
					cfg.SessionNode = store.RestoredSessionNode()
				})
				return c, col, store
			}

			// Run 1: A takes q2 (PUBREC) and dies before PUBCOMP.
			c, col, store := run(a.broker.URL(), b.broker.URL())
			col.waitFor(t, 0, "connected to A", kind(mqttconn.KindConnected))
			q2, err := c.Publish(mqttconn.Message{Topic: "chat/q2", QoS: 2, Payload: []byte("first")})
			if err != nil {
				t.Fatal(err)
			}
			i := col.waitFor(t, 0, "moved to B", func(e mqttconn.Event) bool {
				return e.Kind == mqttconn.KindConnected && e.Node == mqttconn.NodeName(b.broker.URL())
			})
			if ev := col.event(i); !ev.CleanStart || ev.SessionPresent {
				t.Fatalf("the move to B: clean start %v, session present %v; want a clean start", ev.CleanStart, ev.SessionPresent)
			}
			col.waitFor(t, 0, "q2 fate unknown", publishState(q2, mqttconn.StateFateUnknown))
			c.Close()
			store.Close()
			if got := b.logged(); !slices.Equal(got, []string{"connect clean=true"}) {
				t.Fatalf("node B saw %v; want one clean connect", got)
			}

			// Run 2: the session is B's: the first attempt goes there,
			// without clean start. B is down: the move to A starts clean.
			b.setDown(true)
			a.setDown(false)
			c, col, store = run(a.broker.URL(), b.broker.URL())
			defer store.Close()
			first := col.waitFor(t, 0, "first attempt", kind(mqttconn.KindConnecting))
			if ev := col.event(first); ev.Node != mqttconn.NodeName(b.broker.URL()) {
				t.Fatalf("the restart tried %s first; want %s, the node that held the session", ev.Node, mqttconn.NodeName(b.broker.URL()))
			}
			i = col.waitFor(t, first, "moved to A", kind(mqttconn.KindConnected))
			if ev := col.event(i); ev.Node != mqttconn.NodeName(a.broker.URL()) || !ev.CleanStart || ev.SessionPresent {
				t.Fatalf("connected to %s, clean start %v, session present %v; want A, clean", ev.Node, ev.CleanStart, ev.SessionPresent)
			}
			second, err := c.Publish(mqttconn.Message{Topic: "chat/q2", QoS: 2, Payload: []byte("second")})
			if err != nil {
				t.Fatal(err)
			}
			col.waitFor(t, i, "second acknowledged", publishState(second, mqttconn.StateAcked))
			want := []string{"connect clean=false", "connect clean=true"}
			if got := a.logged(); !slices.Equal(got, want) {
				t.Fatalf("node A saw %v; want %v (no stray PUBREL, no reused id)", got, want)
			}
			a.mu.Lock()
			defer a.mu.Unlock()
			if !slices.Equal(a.completed, []string{"second"}) {
				t.Fatalf("node A completed %v; want only the second message", a.completed)
			}
		})
	}
}

// TestClusterSharedSessionsNeverStartClean: with SharedSessions the nodes
// share sessions: a move resumes the session (no clean start), and the
// node's session present is believed.
func TestClusterSharedSessionsNeverStartClean(t *testing.T) {
	a, b := startPlainNode(t), startPlainNode(t)
	a.dieOnRec = true
	b.session = true // the cluster's shared session
	c, col := newClient5(t, "", func(cfg *mqttconn.Config) {
		cluster(4, a.broker.URL(), b.broker.URL())(cfg)
		cfg.PersistentSession, cfg.ClientID, cfg.SharedSessions = true, "sharedSession", true
	})
	col.waitFor(t, 0, "connected to A", kind(mqttconn.KindConnected))
	q2, err := c.Publish(mqttconn.Message{Topic: "chat/q2", QoS: 2, Payload: []byte("one")})
	if err != nil {
		t.Fatal(err)
	}
	col.waitFor(t, 0, "q2 completed on B, which shares the session", publishState(q2, mqttconn.StateAcked))
	i := col.waitFor(t, 0, "moved to B", func(e mqttconn.Event) bool {
		return e.Kind == mqttconn.KindConnected && e.Node == mqttconn.NodeName(b.broker.URL())
	})
	if ev := col.event(i); ev.CleanStart || !ev.SessionPresent {
		t.Fatalf("the move: clean start %v, session present %v; want the session resumed", ev.CleanStart, ev.SessionPresent)
	}
	if got := b.logged(); !slices.Equal(got, []string{"connect clean=false", "stray PUBREL 1"}) {
		t.Fatalf("node B saw %v", got)
	}
}
