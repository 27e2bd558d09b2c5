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
	"mqttchat/mqttconn/brokertest"
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
	p, err := c.Expect(scripted.Connect, scripted.Wait)
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
					_, _ = c.Expect(scripted.Pubrel, scripted.Wait) // read, never answered
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

// TestClusterBridgedNoStaleReplay is QA's duplicate replay on two real
// mosquitto nodes joined by a bridge, with -c: a session of ours was left
// on node A (subscribed, so A queues for it what the bridge brings); the
// next run starts on B, where the last run ended, and chats there; when B
// dies, the move back to A starts clean, so A drops its stale session and
// does not replay what the conversation on B already showed. Over MQTT
// 3.1.1 and 5.
func TestClusterBridgedNoStaleReplay(t *testing.T) {
	for _, v := range []uint{4, 5} {
		t.Run(fmt.Sprintf("protocol %d", v), func(t *testing.T) {
			b := brokertest.StartMosquitto(t)
			a := brokertest.StartMosquitto(t, "connection to_b", "address "+b.Addr(), "topic # both 1", "cleansession true", "restart_timeout 1")
			witness := brokertest.Connect(t, a.URL(), "witnessOnA")
			witness.Subscribe(t, "chat/#", 1)
			peer := brokertest.Connect(t, b.URL(), "peerOnB")
			sub := mqttconn.Subscription{Filter: "chat/#", QoS: 1}
			mod := func(cfg *mqttconn.Config) {
				cluster(v, a.URL(), b.URL())(cfg)
				cfg.PersistentSession, cfg.ClientID = true, "staleReplay"
			}

			// Run 1 leaves a subscribed session of ours on A.
			c1, col1 := newClient5(t, "", mod, sub)
			col1.waitFor(t, 0, "subscribed on A", kind(mqttconn.KindSubscribed))
			c1.Close()

			// Run 2 starts on B, the session's node, and hears the peer
			// there; the bridge also brings each message to A, where our
			// stale session queues it.
			_, col := newClient5(t, "", func(cfg *mqttconn.Config) { mod(cfg); cfg.SessionNode = b.Addr() }, sub)
			i := col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
			if ev := col.event(i); ev.Node != b.Addr() || ev.CleanStart {
				t.Fatalf("run 2 connected to %s (clean start %v); want %s, the session's node", ev.Node, ev.CleanStart, b.Addr())
			}
			col.waitFor(t, i, "subscribed on B", kind(mqttconn.KindSubscribed))
			deadline := time.Now().Add(15 * time.Second)
			for n := 0; witness.Count("chat/peer") == 0; n++ { // until the bridge is up
				if time.Now().After(deadline) {
					t.Fatal("the bridge never carried B's messages to A")
				}
				peer.Publish(t, "chat/peer", 1, false, fmt.Sprint("on B ", n))
				time.Sleep(100 * time.Millisecond)
			}
			peer.Publish(t, "chat/peer", 1, false, "last on B")
			col.waitFor(t, i, "the last message, live on B", func(e mqttconn.Event) bool {
				return e.Kind == mqttconn.KindMessage && string(e.Message.Payload) == "last on B"
			})
			witness.WaitPayload(t, "chat/peer", "last on B", 10*time.Second) // A has routed it, to our stale session too

			from := len(col.snapshot())
			b.Stop()
			i = col.waitFor(t, from, "moved to A", func(e mqttconn.Event) bool {
				return e.Kind == mqttconn.KindConnected && e.Node == a.Addr()
			})
			if ev := col.event(i); !ev.CleanStart || ev.SessionPresent {
				t.Fatalf("the move to A: clean start %v, session present %v", ev.CleanStart, ev.SessionPresent)
			}
			col.waitFor(t, i, "subscribed again on A", func(e mqttconn.Event) bool {
				return e.Kind == mqttconn.KindSubscribed || e.Kind == mqttconn.KindResubscribed
			})
			witness.Publish(t, "chat/peer", 1, false, "on A")
			col.waitFor(t, i, "the conversation goes on on A", func(e mqttconn.Event) bool {
				return e.Kind == mqttconn.KindMessage && string(e.Message.Payload) == "on A"
			})
			for _, e := range col.snapshot()[i:] {
				if e.Kind == mqttconn.KindMessage && string(e.Message.Payload) != "on A" {
					t.Fatalf("node A replayed %q from its stale session", e.Message.Payload)
				}
			}
		})
	}
}
