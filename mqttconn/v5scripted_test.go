package mqttconn_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// stringProp is an MQTT 5 property list holding one string property.
func stringProp(id byte, s string) []byte {
	p := append([]byte{id, byte(len(s) >> 8), byte(len(s))}, s...)
	return append([]byte{byte(len(p))}, p...)
}

// reasonString is an MQTT 5 property list holding one reason string.
func reasonString(s string) []byte { return stringProp(0x1F, s) }

// TestV5ScriptedReasons: what mosquitto never sends, from a scripted MQTT 5
// broker: a Receive Maximum of 1, a QoS 2 publish refused at PUBREC with a
// reason string (no PUBREL follows), a PUBACK that succeeds with "no
// matching subscribers", and a DISCONNECT for a server shutting down.
func TestV5ScriptedReasons(t *testing.T) {
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
			return err
		}
		if c.N > 1 { // the reconnect after the DISCONNECT
			if err := c.Write(scripted.Connack, 0, []byte{0, 0, 0}); err != nil {
				return err
			}
			for {
				if _, err := c.Expect(scripted.Pingreq, time.Minute); err != nil {
					return nil
				}
			}
		}
		// Receive Maximum 1.
		if err := c.Write(scripted.Connack, 0, []byte{0, 0, 3, 0x21, 0, 1}); err != nil {
			return err
		}
		p, err := c.Expect(scripted.Publish, scripted.Wait)
		if err != nil {
			return err
		}
		if topic, id, _ := p.Publish(); topic != "q2" || p.QoS() != 2 {
			return fmt.Errorf("first PUBLISH: %q QoS %d", topic, p.QoS())
		} else if err := c.Write(scripted.Pubrec, 0, append([]byte{byte(id >> 8), byte(id), 0x97}, reasonString("over quota for today")...)); err != nil {
			return err
		}
		// With one in flight at most, the second message comes only now; no PUBREL before it.
		p, err = c.Expect(scripted.Publish, scripted.Wait)
		if err != nil {
			return err
		}
		topic, id, _ := p.Publish()
		if topic != "q1" {
			return fmt.Errorf("second PUBLISH: %q", topic)
		}
		if err := c.Write(scripted.Puback, 0, []byte{byte(id >> 8), byte(id), 0x10}); err != nil {
			return err
		}
		return c.Write(scripted.Disconnect, 0, append([]byte{0x8B}, reasonString("maintenance")...))
	})
	c, col := newClient5(t, b.URL(), nil)
	col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
	id2, err := c.Publish(mqttconn.Message{Topic: "q2", Payload: []byte("two"), QoS: 2})
	if err != nil {
		t.Fatal(err)
	}
	id1, err := c.Publish(mqttconn.Message{Topic: "q1", Payload: []byte("one"), QoS: 1})
	if err != nil {
		t.Fatal(err)
	}
	i := col.waitFor(t, 0, "refused at PUBREC", publishState(id2, mqttconn.StateFailed))
	if err := col.event(i).Err; err == nil || err.Error() != `quota exceeded (the broker says "over quota for today")` {
		t.Fatalf("refused QoS 2: %v", err)
	}
	col.waitFor(t, 0, "acknowledged", publishState(id1, mqttconn.StateAcked))
	i = col.waitFor(t, 0, "lost", kind(mqttconn.KindLost))
	ev := col.event(i)
	var rc *mqttconn.ReasonCodeError
	if !errors.As(ev.Err, &rc) || rc.Code != mqttconn.ReasonCodeServerShutdown ||
		ev.Err.Error() != `the broker disconnected us: the server is shutting down (the broker says "maintenance")` || ev.Fatal {
		t.Fatalf("DISCONNECT: %v (fatal %v)", ev.Err, ev.Fatal)
	}
	col.waitFor(t, i, "connected again", kind(mqttconn.KindConnected))
}

// TestV5ScriptedConnack: CONNACK refusals in words, with the broker's
// reason string; a broker that answers in MQTT 3.1.1 is said not to speak 5.
func TestV5ScriptedConnack(t *testing.T) {
	for _, tc := range []struct {
		name    string
		connack []byte
		want    string
		fatal   bool
	}{
		{"banned", append([]byte{0, 0x8A}, reasonString("go away")...), `connection refused: banned (the broker says "go away")`, true},
		{"busy", []byte{0, 0x89, 0}, "connection refused: server busy", false},
		{"3.1.1 broker", []byte{0, 1}, "connection refused: unsupported protocol version", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := scripted.Start(t, func(c *scripted.Conn) error {
				if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
					return err
				}
				return c.Write(scripted.Connack, 0, tc.connack)
			})
			_, col := newClient5(t, b.URL(), nil)
			ev := col.event(col.waitFor(t, 0, "refused", kind(mqttconn.KindConnectFailed)))
			var re *mqttconn.RefusedError
			if !errors.As(ev.Err, &re) || !strings.HasPrefix(ev.Err.Error(), tc.want) || ev.Fatal != tc.fatal {
				t.Fatalf("got %v (fatal %v), want %q (fatal %v)", ev.Err, ev.Fatal, tc.want, tc.fatal)
			}
		})
	}
}

// TestV5ScriptedServerLimits: the broker's Server Keep Alive sets how
// often we ping, and its Maximum Packet Size refuses a larger message
// before it is sent; the packets view sees acks with their reason codes.
func TestV5ScriptedServerLimits(t *testing.T) {
	pings := make(chan struct{}, 8)
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
			return err
		}
		// Server Keep Alive 1 s, Maximum Packet Size 100 bytes.
		if err := c.Write(scripted.Connack, 0, []byte{0, 0, 8, 0x13, 0, 1, 0x27, 0, 0, 0, 100}); err != nil {
			return err
		}
		for {
			p, err := c.Read(time.Minute)
			if err != nil {
				return nil
			}
			switch p.Type {
			case scripted.Pingreq:
				pings <- struct{}{}
				_ = c.Write(scripted.Pingresp, 0, nil)
			case scripted.Publish:
				if _, id, payload := p.Publish(); len(payload) > 100 {
					return fmt.Errorf("a PUBLISH of %d bytes came, over the maximum", len(p.Body))
				} else {
					_ = c.Write(scripted.Puback, 0, []byte{byte(id >> 8), byte(id), 0x10, 0})
				}
			}
		}
	})
	codes := make(chan byte, 8)
	c, col := newClient5(t, b.URL(), func(c *mqttconn.Config) {
		c.KeepAlive = time.Hour
		c.OnPacket = func(p mqttconn.Packet) {
			if !p.Out && p.Type == mqttconn.TypePuback {
				codes <- p.Code
			}
		}
	})
	col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
	// Our keep-alive is an hour: pings every second or so come from the broker's.
	for i := range 3 {
		select {
		case <-pings:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d PINGREQs; the broker's keep-alive is 1 s", i)
		}
	}
	if _, err := c.Publish(mqttconn.Message{Topic: "big", Payload: make([]byte, 200), QoS: 1}); err == nil ||
		err.Error() != "the message makes a packet of 211 bytes; the broker takes at most 100" {
		t.Fatalf("too large: %v", err)
	}
	id, err := c.Publish(mqttconn.Message{Topic: "small", Payload: []byte("ok"), QoS: 1})
	if err != nil {
		t.Fatal(err)
	}
	col.waitFor(t, 0, "acknowledged", publishState(id, mqttconn.StateAcked))
	if code := <-codes; code != 0x10 {
		t.Fatalf("PUBACK reason code in the packets view: 0x%02x, want 0x10", code)
	}
}

// TestV5RedeliveredQoS2IsAnswered: a QoS 2 message whose connection ended
// before its PUBREC went out (paho.golang sends acks in batches) comes
// again with DUP on the next connection; it is answered with PUBREC, and
// shown once. Without an answer the broker would hold it, and everything
// queued behind it, for ever.
func TestV5RedeliveredQoS2IsAnswered(t *testing.T) {
	publish := []byte{0, 1, 'r', 0, 7, 0, 'x'} // topic r, packet id 7, no properties, payload x
	done := make(chan error, 1)
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
			return err
		}
		if c.N == 1 {
			if err := c.Write(scripted.Connack, 0, []byte{0, 0, 0}); err != nil {
				return err
			}
			return c.Write(scripted.Publish, 2<<1, publish) // and the connection ends at once
		}
		if c.N > 2 {
			return nil
		}
		if err := c.Write(scripted.Connack, 0, []byte{1, 0, 0}); err != nil {
			return err
		}
		err := func() error {
			if err := c.Write(scripted.Publish, 8|2<<1, publish); err != nil {
				return err
			}
			p, err := c.Expect(scripted.Pubrec, scripted.Wait)
			if err != nil {
				return err
			}
			if p.ID() != 7 {
				return fmt.Errorf("PUBREC for %d", p.ID())
			}
			if err := c.Write(scripted.Pubrel, 2, []byte{0, 7}); err != nil {
				return err
			}
			_, err = c.Expect(scripted.Pubcomp, scripted.Wait)
			return err
		}()
		done <- err
		if err != nil {
			return err
		}
		_, _ = c.Expect(scripted.Disconnect, time.Minute)
		return nil
	})
	var mu sync.Mutex
	got := 0
	_, col := newClient5(t, b.URL(), func(c *mqttconn.Config) {
		c.ClientID, c.PersistentSession = "redelivered", true
		c.Sink = func(ev mqttconn.Event, ack func()) {
			if ev.Kind == mqttconn.KindMessage {
				mu.Lock()
				got++
				mu.Unlock()
			}
			if ack != nil {
				ack()
			}
		}
	})
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the redelivered message was never answered")
	}
	col.waitFor(t, 0, "connected again", func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindConnected && e.SessionPresent })
	mu.Lock()
	defer mu.Unlock()
	if got != 1 {
		t.Fatalf("the message was delivered %d times, want once", got)
	}
}

// TestV5OversizedMessageSaysItsPayloadSize: an MQTT 5 PUBLISH over the
// cap, with properties, is read past and acknowledged; the size said is
// its payload's, not counting the properties (as over 3.1.1).
func TestV5OversizedMessageSaysItsPayloadSize(t *testing.T) {
	acked := make(chan error, 1)
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if err := c.Accept(false); err != nil {
			return err
		}
		// A user property k = 296 bytes: a property list of 302 bytes,
		// whose length takes two bytes (0xAE 0x02).
		props := append([]byte{0xAE, 0x02, 0x26, 0, 1, 'k', 1, 40}, make([]byte, 296)...)
		publish := append([]byte{0, 3, 'b', 'i', 'g', 0, 9}, props...)
		if err := c.Write(scripted.Publish, 2, append(publish, make([]byte, 5000)...)); err != nil {
			return err
		}
		p, err := c.Expect(scripted.Puback, scripted.Wait)
		if err == nil && p.ID() != 9 {
			err = fmt.Errorf("PUBACK for id %d", p.ID())
		}
		acked <- err
		return untilClosed(c)
	})
	_, col := newClient5(t, b.URL(), func(c *mqttconn.Config) { c.MaxIncoming = 1000 })
	ev := col.event(col.waitFor(t, 0, "too large", kind(mqttconn.KindTooLarge)))
	if ev.Message.Topic != "big" || ev.Size != 5000 {
		t.Fatalf("too large: topic %q size %d, want big and 5000", ev.Message.Topic, ev.Size)
	}
	if err := <-acked; err != nil {
		t.Fatal(err)
	}
}
