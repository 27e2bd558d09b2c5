package mqttconn

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// fakeClient is a client over a fake paho client, never started.
func fakeClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	if cfg.Server == "" {
		cfg.Server = "tcp://127.0.0.1:1"
	}
	c, err := newClient(cfg, func(*paho.ClientOptions) paho.Client { return &fakePaho{} })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// states are the publish events queued since the last call, as "id:state".
func states(c *Client) string {
	evs, _ := c.queue.Drain()
	var out []string
	for _, ev := range evs {
		if ev.Kind == KindPublish {
			out = append(out, fmt.Sprintf("%d:%s", ev.OutID, ev.State))
		}
	}
	return strings.Join(out, " ")
}

// next is the next packet the pump would write on epoch, as the decoder
// sees it ("PUBLISH q1 id1 dup"), running its after function; "" for none.
func next(c *Client, epoch uint64) string {
	pkt, after := c.nextOutbound(epoch)
	if pkt == nil {
		return ""
	}
	var got Packet
	d := decoder{out: true, emit: func(p Packet) { got = p }}
	d.feed(bytes.Join(pkt, nil))
	if after != nil {
		after()
	}
	s := got.TypeName()
	if got.Type == TypePublish {
		s += fmt.Sprintf(" q%d", got.QoS())
	}
	if got.ID != 0 {
		s += fmt.Sprintf(" id%d", got.ID)
	}
	if got.Dup() {
		s += " dup"
	}
	return s
}

// drainAll is every packet the pump would write now, joined by ", ".
func drainAll(c *Client, epoch uint64) string {
	var out []string
	for p := next(c, epoch); p != ""; p = next(c, epoch) {
		out = append(out, p)
	}
	return strings.Join(out, ", ")
}

func publishAll(t *testing.T, c *Client, qos ...byte) {
	t.Helper()
	for _, q := range qos {
		if _, err := c.Publish(Message{Topic: "t", QoS: q, Payload: []byte("p")}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOutboxFlows(t *testing.T) {
	type step struct {
		do   func(c *Client) // nil: only look
		want string          // the packets written now
		evs  string          // the publish events since the last step
	}
	ack := func(typ byte, pid uint16) func(*Client) { return func(c *Client) { c.onPubAck(c.epoch, typ, pid) } }
	reconnect := func(session bool) func(*Client) {
		return func(c *Client) {
			c.markDisconnected()
			c.requeueInFlight()
			if !session {
				c.forgetSession(0)
			}
			c.markConnected(0)
		}
	}
	tests := []struct {
		name       string
		persistent bool
		qos        []byte
		steps      []step
	}{
		{"window of 2 holds the third back", false, []byte{1, 1, 1}, []step{
			{nil, "PUBLISH q1 id1, PUBLISH q1 id2", "1:queued 2:queued 3:queued 1:sending 2:sending"},
			{ack(TypePuback, 1), "PUBLISH q1 id3", "1:acknowledged 3:sending"},
			{ack(TypePuback, 3), "", "3:acknowledged"},
			{ack(TypePuback, 2), "", "2:acknowledged"},
		}},
		{"QoS 2 handshake", false, []byte{2}, []step{
			{nil, "PUBLISH q2 id1", "1:queued 1:sending"},
			{ack(TypePubrec, 1), "PUBREL id1", ""},
			{ack(TypePubcomp, 1), "", "1:acknowledged"},
		}},
		{"QoS 2 answered with PUBACK", false, []byte{2}, []step{
			{nil, "PUBLISH q2 id1", "1:queued 1:sending"},
			{ack(TypePuback, 1), "", "1:acknowledged as QoS 1"},
		}},
		{"QoS 0 is sent once written", false, []byte{0, 1}, []step{
			{nil, "PUBLISH q0, PUBLISH q1 id1", "1:queued 2:queued 1:sent 2:sending"},
		}},
		{"kept session: same ids, DUP, PUBREL after PUBREC", true, []byte{2, 2, 1, 1}, []step{
			{nil, "PUBLISH q2 id1, PUBLISH q2 id2", "1:queued 2:queued 3:queued 4:queued 1:sending 2:sending"},
			{ack(TypePubrec, 2), "PUBREL id2", ""},
			{reconnect(true), "PUBLISH q2 id1 dup, PUBREL id2", "1:queued 2:queued 1:resent 2:resent"},
			{ack(TypePubcomp, 2), "PUBLISH q1 id3", "2:acknowledged 3:sending"},
			{ack(TypePubrec, 1), "PUBREL id1", ""},
			{ack(TypePubcomp, 1), "PUBLISH q1 id4", "1:acknowledged 4:sending"},
		}},
		{"session lost: in flight again as new", true, []byte{2, 1}, []step{
			{nil, "PUBLISH q2 id1, PUBLISH q1 id2", "1:queued 2:queued 1:sending 2:sending"},
			{ack(TypePubrec, 1), "PUBREL id1", ""},
			{reconnect(false), "PUBLISH q2 id3, PUBLISH q1 id4", "1:queued 2:queued 1:resent 2:resent"},
			{ack(TypePuback, 2), "", ""}, // an id of the lost session: not ours any more
			{ack(TypePubrec, 9), "PUBREL id9", ""},
		}},
		{"clean session: ids let go at the loss", false, []byte{1}, []step{
			{nil, "PUBLISH q1 id1", "1:queued 1:sending"},
			{reconnect(true), "PUBLISH q1 id2", "1:queued 1:resent"},
			{func(c *Client) { c.onPubAck(c.epoch-1, TypePuback, 2) }, "", ""}, // read late from the lost connection
			{ack(TypePuback, 2), "", "1:acknowledged"},
		}},
		{"QoS 0 not written before the loss fails", false, []byte{0}, []step{
			{reconnect(true), "", "1:queued 1:failed"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeClient(t, Config{MaxInFlight: 2, PersistentSession: tt.persistent, ClientID: "x"})
			c.markConnected(0)
			publishAll(t, c, tt.qos...)
			for i, s := range tt.steps {
				if s.do != nil {
					s.do(c)
				}
				if got := drainAll(c, c.epoch); got != s.want {
					t.Fatalf("step %d: wrote %q, want %q", i, got, s.want)
				}
				if got := states(c); got != s.evs {
					t.Fatalf("step %d: events %q, want %q", i, got, s.evs)
				}
			}
			if c.Pending() != len(c.outbox) {
				t.Errorf("pending %d, outbox %d", c.Pending(), len(c.outbox))
			}
			n := 0
			for _, om := range c.outbox {
				if om.pid != 0 {
					n++
				}
			}
			if n != c.inFlightN {
				t.Errorf("in flight counted %d, %d have ids", c.inFlightN, n)
			}
		})
	}
}

// TestRestoredInFlightKeepsIDs: a message restored from disk with a packet
// id goes out again under that id, DUP set, before anything new.
func TestRestoredInFlightKeepsIDs(t *testing.T) {
	c := fakeClient(t, Config{PersistentSession: true, ClientID: "x",
		Restored:         []Message{{Topic: "a", QoS: 2}, {Topic: "b", QoS: 2}, {Topic: "c", QoS: 1}},
		RestoredInFlight: []InFlight{{PacketID: 5, Released: true}, {PacketID: 6}},
	})
	c.markConnected(0)
	if got, want := drainAll(c, c.epoch), "PUBREL id5, PUBLISH q2 id6 dup, PUBLISH q1 id1"; got != want {
		t.Fatalf("wrote %q, want %q", got, want)
	}
}

func TestErrorsNameNoFlags(t *testing.T) {
	hint := func(r Reason) string { return fmt.Sprintf("hint %d", r) }
	c := fakeClient(t, Config{Hint: hint})
	_, err := c.Publish(Message{Topic: "a"})
	if !errors.Is(err, ErrNotConnected) || err.Error() != ErrNotConnected.Error()+fmt.Sprintf(" (hint %d)", ReasonNotConnected) {
		t.Errorf("QoS 0 offline: %v", err)
	}
	for _, e := range []error{ErrNotConnected, ErrOutboxFull, ErrClosed, ErrRefused, ErrBadQoS,
		classify(errors.New("EOF"), "ssl://h:1"), c.takeoverError(errors.New("x"))} {
		if s := e.Error(); containsFlag(s) {
			t.Errorf("%q names a flag", s)
		}
	}
}
