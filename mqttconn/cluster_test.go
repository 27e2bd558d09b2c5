package mqttconn_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
	"mqttchat/mqttconn/brokertest/scripted"
)

// cluster makes newClient5's config a cluster over servers, in protocol v.
func cluster(v uint, servers ...string) func(*mqttconn.Config) {
	return func(c *mqttconn.Config) {
		c.Server, c.Servers, c.ProtocolVersion = "", servers, v
	}
}

// TestClusterFailoverBridged is the real thing: two mosquitto brokers on
// loopback joined by one bridge (topic # both), a client on node A and a
// peer on node B chatting. Node A is killed mid-conversation: the client
// moves to B, subscribes again (B holds no session of ours), the
// conversation goes on, and the QoS 1 messages typed during the move are
// delivered by B. Over MQTT 3.1.1 and 5.
func TestClusterFailoverBridged(t *testing.T) {
	for _, v := range []uint{4, 5} {
		t.Run(fmt.Sprintf("protocol %d", v), func(t *testing.T) {
			b := brokertest.StartMosquitto(t)
			a := brokertest.StartMosquitto(t,
				"connection to_b",
				"address "+b.Addr(),
				"topic # both 1",
				"cleansession true",
				"restart_timeout 1",
			)
			peer := brokertest.Connect(t, b.URL(), "peerOnB")
			peer.Subscribe(t, "chat/#", 1)
			c, col := newClient5(t, "", cluster(v, a.URL(), b.URL()), mqttconn.Subscription{Filter: "chat/#", QoS: 1})
			i := col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
			if ev := col.event(i); ev.Node != a.Addr() || ev.Nodes != 2 || ev.MovedFrom != "" {
				t.Fatalf("first connection: node %q of %d, moved from %q; want %s of 2", ev.Node, ev.Nodes, ev.MovedFrom, a.Addr())
			}
			col.waitFor(t, i, "subscribed", kind(mqttconn.KindSubscribed))
			// The bridge may take a moment to come up: B's peer says hello
			// until it reaches us through A.
			deadline := time.Now().Add(15 * time.Second)
			for n := 0; ; n++ {
				peer.Publish(t, "chat/peer", 1, false, fmt.Sprint("hello ", n))
				if col.has(message("chat/peer"), 300*time.Millisecond) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the bridge never carried B's messages to A")
				}
			}
			id, err := c.Publish(mqttconn.Message{Topic: "chat/me", QoS: 1, Payload: []byte("before")})
			if err != nil {
				t.Fatal(err)
			}
			col.waitFor(t, 0, "acked before", publishState(id, mqttconn.StateAcked))
			peer.WaitPayload(t, "chat/me", "before", 10*time.Second)

			from := len(col.snapshot())
			a.Stop() // node A dies mid-conversation
			lost := col.waitFor(t, from, "lost", kind(mqttconn.KindLost))
			var during []uint64
			for n := range 3 { // typed during the move
				id, err := c.Publish(mqttconn.Message{Topic: "chat/me", QoS: 1, Payload: []byte(fmt.Sprint("during ", n))})
				if err != nil {
					t.Fatal(err)
				}
				during = append(during, id)
			}
			i = col.waitFor(t, lost, "connected to B", kind(mqttconn.KindConnected))
			if ev := col.event(i); ev.Node != b.Addr() || ev.MovedFrom != a.Addr() || ev.MoveErr == nil || ev.SessionPresent {
				t.Fatalf("after the move: node %q, moved from %q (%v), session present %v; want %s from %s", ev.Node, ev.MovedFrom, ev.MoveErr, ev.SessionPresent, b.Addr(), a.Addr())
			}
			col.waitFor(t, i, "re-subscribed", kind(mqttconn.KindResubscribed))
			for n, id := range during {
				col.waitFor(t, lost, "acked during", publishState(id, mqttconn.StateAcked))
				peer.WaitPayload(t, "chat/me", fmt.Sprint("during ", n), 10*time.Second)
			}
			// The conversation goes on, on B.
			peer.Publish(t, "chat/peer", 1, false, "after the move")
			col.waitFor(t, i, "the peer's message on B", func(e mqttconn.Event) bool {
				return e.Kind == mqttconn.KindMessage && string(e.Message.Payload) == "after the move"
			})
		})
	}
}

// TestClusterFateUnknown: a QoS 2 message in flight on node A (PUBREC
// received, PUBCOMP not) when A goes away is "fate unknown" on node B,
// which has no session of ours, and is not sent to B; a QoS 1 message
// that A never acknowledged is sent to B and acknowledged there. With a
// clean session and a kept one, over MQTT 3.1.1 and 5.
func TestClusterFateUnknown(t *testing.T) {
	for _, v := range []uint{4, 5} {
		for _, persistent := range []bool{false, true} {
			t.Run(fmt.Sprintf("protocol %d persistent %v", v, persistent), func(t *testing.T) {
				connack := []byte{0, 0}
				if v == 5 {
					connack = []byte{0, 0, 0}
				}
				a := scripted.Start(t, func(c *scripted.Conn) error {
					if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
						return err
					}
					if c.N > 1 {
						return nil // A is gone: later attempts are closed at once
					}
					if err := c.Write(scripted.Connack, 0, connack); err != nil {
						return err
					}
					if _, err := c.Expect(scripted.Publish, scripted.Wait); err != nil { // q1: never acknowledged
						return err
					}
					p, err := c.Expect(scripted.Publish, scripted.Wait) // q2
					if err != nil {
						return err
					}
					_, id, _ := p.Publish()
					if err := c.Ack(scripted.Pubrec, id); err != nil {
						return err
					}
					_, err = c.Expect(scripted.Pubrel, scripted.Wait)
					return err // and A goes away without PUBCOMP
				})
				var mu sync.Mutex
				var onB []string
				b := scripted.Start(t, func(c *scripted.Conn) error {
					if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
						return err
					}
					if err := c.Write(scripted.Connack, 0, connack); err != nil {
						return err
					}
					for {
						p, err := c.Read(time.Minute)
						if err != nil {
							return nil
						}
						mu.Lock()
						onB = append(onB, fmt.Sprintf("%d", p.Type))
						if p.Type == scripted.Publish {
							topic, _, _ := p.Publish()
							onB[len(onB)-1] = topic
						}
						mu.Unlock()
						switch p.Type {
						case scripted.Publish:
							_, id, _ := p.Publish()
							if err := c.Ack(scripted.Puback, id); err != nil {
								return err
							}
						case scripted.Pingreq:
							_ = c.Write(scripted.Pingresp, 0, nil)
						}
					}
				})
				mod := func(cfg *mqttconn.Config) {
					cluster(v, a.URL(), b.URL())(cfg)
					cfg.PersistentSession, cfg.ClientID = persistent, "clusterFate"
				}
				c, col := newClient5(t, "", mod)
				col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
				q1, err := c.Publish(mqttconn.Message{Topic: "q1", QoS: 1, Payload: []byte("one")})
				if err != nil {
					t.Fatal(err)
				}
				q2, err := c.Publish(mqttconn.Message{Topic: "q2", QoS: 2, Payload: []byte("two")})
				if err != nil {
					t.Fatal(err)
				}
				i := col.waitFor(t, 0, "q2 fate unknown", publishState(q2, mqttconn.StateFateUnknown))
				if err := col.event(i).Err; err == nil || !strings.Contains(err.Error(), "PUBREC") || !strings.Contains(err.Error(), "not sent again") {
					t.Fatalf("fate unknown says %v", err)
				}
				col.waitFor(t, 0, "q1 acked on B", publishState(q1, mqttconn.StateAcked))
				if col.has(publishState(q2, mqttconn.StateAcked), 300*time.Millisecond) {
					t.Fatal("q2 was reported acknowledged")
				}
				mu.Lock()
				defer mu.Unlock()
				for _, p := range onB {
					if p == "q2" || p == fmt.Sprint(scripted.Pubrel) {
						t.Fatalf("node B got %s of q2: %v", p, onB)
					}
				}
				if c.Pending() != 0 {
					t.Fatalf("%d messages still pending", c.Pending())
				}
			})
		}
	}
}

// has waits up to d for an event that satisfies pred.
func (c *collector) has(pred func(mqttconn.Event) bool, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		for _, e := range c.snapshot() {
			if pred(e) {
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// snapshot is a copy of the events so far.
func (c *collector) snapshot() []mqttconn.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]mqttconn.Event(nil), c.events...)
}

// TestClusterStartOnSecondNode: node A is down at start: the failed
// attempt names B as the node tried next, at once, and the connection on B
// says it moved from A and why. With both down, the loop backs off only
// after a full round.
func TestClusterStartOnSecondNode(t *testing.T) {
	down := "tcp://" + brokertest.FreeAddr(t)
	b := brokertest.StartMochi(t)
	_, col := newClient5(t, "", cluster(4, down, b.URL()))
	i := col.waitFor(t, 0, "failed on A", kind(mqttconn.KindConnectFailed))
	if ev := col.event(i); ev.Next != b.Addr() || ev.RetryIn != 0 || ev.Fatal || ev.Node != mqttconn.NodeName(down) {
		t.Fatalf("failed on %q: next %q in %v (fatal %v); want next %s at once", ev.Node, ev.Next, ev.RetryIn, ev.Fatal, b.Addr())
	}
	i = col.waitFor(t, i, "connected", kind(mqttconn.KindConnected))
	if ev := col.event(i); ev.Node != b.Addr() || ev.MovedFrom != mqttconn.NodeName(down) || ev.MoveErr == nil {
		t.Fatalf("connected to %q, moved from %q (%v)", ev.Node, ev.MovedFrom, ev.MoveErr)
	}

	down2 := "tcp://" + brokertest.FreeAddr(t)
	_, col = newClient5(t, "", cluster(4, down, down2))
	first := col.waitFor(t, 0, "first failure", kind(mqttconn.KindConnectFailed))
	second := col.waitFor(t, first+1, "second failure", kind(mqttconn.KindConnectFailed))
	if e1, e2 := col.event(first), col.event(second); e1.RetryIn != 0 || e1.Next == "" || e2.RetryIn == 0 || e2.Next != "" {
		t.Fatalf("round of two: first retry in %v next %q, second retry in %v next %q; want the back-off after the second only", e1.RetryIn, e1.Next, e2.RetryIn, e2.Next)
	}
}

// serverRefProp is an MQTT 5 property block holding a Server Reference.
func serverRefProp(s string) []byte { return stringProp(0x1C, s) }

// TestV5ServerReference: a scripted MQTT 5 broker names another server,
// in a refusing CONNACK (0x9C use another server) or in a DISCONNECT
// (0x9D server moved). The event carries it in words and nothing moves on
// its own; once the user agrees (UseServer) the client connects there.
// With a user name and password over plain TCP it is refused in words.
func TestV5ServerReference(t *testing.T) {
	target := scripted.Start(t, func(c *scripted.Conn) error {
		if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
			return err
		}
		if err := c.Write(scripted.Connack, 0, []byte{0, 0, 0}); err != nil {
			return err
		}
		for {
			if _, err := c.Read(time.Minute); err != nil {
				return nil
			}
		}
	})
	targetAddr := strings.TrimPrefix(target.URL(), "tcp://")
	tests := []struct {
		name       string
		disconnect bool
		user       string
		refused    string
	}{
		{name: "CONNACK use another server"},
		{name: "DISCONNECT server moved", disconnect: true},
		{name: "credentials over plain TCP", user: "alice", refused: "unencrypted"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ref := "garbage\x1b[2J " + targetAddr // the first entry is not a host: skipped
			b := scripted.Start(t, func(c *scripted.Conn) error {
				if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
					return err
				}
				if !tc.disconnect || c.N > 1 {
					return c.Write(scripted.Connack, 0, append([]byte{0, mqttconn.ReasonCodeUseAnotherServer}, serverRefProp(ref)...))
				}
				if err := c.Write(scripted.Connack, 0, []byte{0, 0, 0}); err != nil {
					return err
				}
				return c.Write(scripted.Disconnect, 0, append([]byte{mqttconn.ReasonCodeServerMoved}, serverRefProp(ref)...))
			})
			c, col := newClient5(t, b.URL(), func(cfg *mqttconn.Config) {
				cfg.Username, cfg.MinBackoff, cfg.MaxBackoff = tc.user, time.Second, time.Second
			})
			k := mqttconn.KindConnectFailed
			if tc.disconnect {
				k = mqttconn.KindLost
			}
			// The event that carries the reference: not just the first of
			// its kind (an attempt that timed out under load fails too).
			i := col.waitFor(t, 0, "the reference", func(e mqttconn.Event) bool { return e.Kind == k && e.ServerRef != nil })
			ev := col.event(i)
			sr := ev.ServerRef
			if sr == nil || sr.Raw != ref || !slices.Equal(sr.Nodes, []string{targetAddr}) {
				t.Fatalf("event %v: server reference %+v", ev.Err, sr)
			}
			if tc.refused != "" {
				if sr.Server != "" || !strings.Contains(sr.Refused, tc.refused) || c.UseServer(sr) == nil {
					t.Fatalf("followed with credentials over plain TCP: %+v", sr)
				}
				return
			}
			if sr.Server != target.URL() || sr.Refused != "" {
				t.Fatalf("leads to %q (refused %q), want %s", sr.Server, sr.Refused, target.URL())
			}
			if col.has(func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindConnected && e.Node == targetAddr }, 200*time.Millisecond) {
				t.Fatal("moved before the user agreed")
			}
			if err := c.UseServer(sr); err != nil {
				t.Fatal(err)
			}
			i = col.waitFor(t, i, "connected to the named server", func(e mqttconn.Event) bool {
				return e.Kind == mqttconn.KindConnected && e.Node == targetAddr
			})
			if ev := col.event(i); ev.Nodes != 2 || ev.MovedFrom != strings.TrimPrefix(b.URL(), "tcp://") {
				t.Fatalf("connected: %d nodes, moved from %q", ev.Nodes, ev.MovedFrom)
			}
		})
	}
}

// TestV5UseServerDuringAnAttempt: the user agrees to follow a Server
// Reference while an attempt on the old server is under way (the automatic
// reconnect after the DISCONNECT that named the new one): when that attempt
// succeeds, the client does not stay there until the connection ends, it
// goes where the user agreed to.
func TestV5UseServerDuringAnAttempt(t *testing.T) {
	target := scripted.Start(t, func(c *scripted.Conn) error {
		if err := c.Accept(false); err != nil {
			return err
		}
		return untilClosed(c)
	})
	targetAddr := strings.TrimPrefix(target.URL(), "tcp://")
	agreed := make(chan struct{})
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
			return err
		}
		if c.N == 1 {
			if err := c.Write(scripted.Connack, 0, []byte{0, 0, 0}); err != nil {
				return err
			}
			return c.Write(scripted.Disconnect, 0, append([]byte{mqttconn.ReasonCodeServerMoved}, serverRefProp(targetAddr)...))
		}
		if c.N == 2 {
			<-agreed // the attempt is under way when the user agrees
		}
		if err := c.Write(scripted.Connack, 0, []byte{0, 0, 0}); err != nil {
			return err
		}
		return untilClosed(c)
	})
	c, col := newClient5(t, b.URL(), nil)
	i := col.waitFor(t, 0, "the reference", func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindLost && e.ServerRef != nil })
	sr := col.event(i).ServerRef
	col.waitFor(t, i, "the next attempt", kind(mqttconn.KindConnecting))
	for deadline := time.Now().Add(30 * time.Second); b.Connections() < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no second attempt on the old server")
		}
	}
	if err := c.UseServer(sr); err != nil {
		t.Fatal(err)
	}
	close(agreed)
	i = col.waitFor(t, i, "connected to the named server", func(e mqttconn.Event) bool {
		return e.Kind == mqttconn.KindConnected && e.Node == targetAddr
	})
	if ev := col.event(i); ev.Nodes != 2 {
		t.Fatalf("connected to the named server as one of %d nodes", ev.Nodes)
	}
}
