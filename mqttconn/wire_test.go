package mqttconn_test

import (
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/broker"
	"mqttchat/mqttconn/brokertest/scripted"
)

func scriptedClient(t *testing.T, url string, extra func(*mqttconn.Config)) (*mqttconn.Client, *collector) {
	t.Helper()
	cfg := mqttconn.Config{Server: url, ClientID: "scripted", MinBackoff: 10 * time.Millisecond,
		MaxBackoff: time.Second, ConnectTimeout: testConnectTimeout, ProtocolVersion: testProtocol}
	if extra != nil {
		extra(&cfg)
	}
	c, err := mqttconn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	col := collect(t, c.Queue())
	c.Start()
	t.Cleanup(c.Close)
	return c, col
}

// untilClosed reads and answers PINGREQ until the client goes.
func untilClosed(c *scripted.Conn) error {
	for {
		p, err := c.Read(10 * time.Second)
		if err != nil {
			return nil
		}
		if p.Type == scripted.Pingreq {
			c.Write(scripted.Pingresp, 0, nil)
		}
	}
}

// TestUndefinedConnackCodeIsARefusal: paho reads return code 7 as success
// and then loses the connection; the wire says what the broker said, and
// retrying cannot change it.
func TestUndefinedConnackCodeIsARefusal(t *testing.T) {
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
			return err
		}
		c.Connack(false, 7)
		return untilClosed(c)
	})
	_, col := scriptedClient(t, b.URL(), nil)
	i := col.waitFor(t, 0, "connect failed", kind(mqttconn.KindConnectFailed))
	e := col.event(i)
	var refused *mqttconn.RefusedError
	if !e.Fatal || !errors.As(e.Err, &refused) || refused.Code != 7 || !strings.Contains(e.Err.Error(), "return code 7, which MQTT 3.1.1 does not define") {
		t.Fatalf("got %v (fatal %v), want a fatal refusal with code 7", e.Err, e.Fatal)
	}
	col.mu.Lock()
	for _, ev := range col.events {
		if ev.Kind == mqttconn.KindConnected {
			t.Error("reported connected")
		}
	}
	col.mu.Unlock()
	if n := b.Connections(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

// TestTakeoversStopTheRetries: a broker that accepts and closes at once
// (another client with our id) gets growing waits, never a reset back-off,
// and after TakeoverLimit such connections no more until Retry.
func TestTakeoversStopTheRetries(t *testing.T) {
	b := scripted.Start(t, func(c *scripted.Conn) error { return c.Accept(false) })
	c, col := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) { cfg.TakeoverLimit = 4 })
	i := col.waitFor(t, 0, "retries stopped", func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindConnectFailed && e.Fatal })
	col.mu.Lock()
	var waits []time.Duration
	lost := 0
	for _, ev := range col.events[:i] {
		if ev.Kind == mqttconn.KindLost {
			lost++
			if !ev.Fatal {
				waits = append(waits, ev.RetryIn)
			}
		}
	}
	var ce *mqttconn.ConnectError
	if !errors.As(col.events[i].Err, &ce) || ce.Reason != mqttconn.ReasonTakeover {
		t.Errorf("stopped with %v, want a take-over", col.events[i].Err)
	}
	col.mu.Unlock()
	if lost != 4 || len(waits) != 3 {
		t.Fatalf("%d losses (%d waits), want 4 (3)", lost, len(waits))
	}
	for k := 1; k < len(waits); k++ {
		if waits[k] <= waits[k-1] {
			t.Errorf("waits %v: the back-off was reset by a connection that did not last", waits)
		}
	}
	if n := b.Connections(); n != 4 {
		t.Errorf("%d connections, want 4", n)
	}
	c.Retry()
	col.waitFor(t, i, "connected after Retry", kind(mqttconn.KindConnected))
}

// TestOversizedMessageIsDroppedAndAcknowledged: a PUBLISH over the cap is
// not read into memory, is reported with its topic and size, and is
// acknowledged so that the broker does not send it again.
func TestOversizedMessageIsDroppedAndAcknowledged(t *testing.T) {
	for _, qos := range []byte{1, 2} {
		t.Run(string('0'+qos), func(t *testing.T) {
			acked := make(chan error, 1)
			b := scripted.Start(t, func(c *scripted.Conn) error {
				if c.N > 1 {
					return untilClosed(c)
				}
				if err := c.Accept(false); err != nil {
					return err
				}
				c.SendPublish("big/one", qos, false, 77, make([]byte, 5000))
				c.SendPublish("small", 0, false, 0, []byte("after"))
				want := scripted.Puback
				if qos == 2 {
					want = scripted.Pubrec
				}
				p, err := c.Expect(want, 5*time.Second)
				if err == nil && p.ID() != 77 {
					err = errors.New("ack for the wrong id")
				}
				if err == nil && qos == 2 {
					c.Ack(scripted.Pubrel, 77)
					_, err = c.Expect(scripted.Pubcomp, scripted.Wait)
				}
				acked <- err
				return untilClosed(c)
			})
			_, col := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) { cfg.MaxIncoming = 1000 })
			i := col.waitFor(t, 0, "too large", kind(mqttconn.KindTooLarge))
			if e := col.event(i); e.Message.Topic != "big/one" || e.Size != 5000 || e.Message.QoS != qos || len(e.Message.Payload) != 0 {
				t.Errorf("too large: %+v", e)
			}
			col.waitFor(t, i, "the next message", message("small"))
			if err := <-acked; err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPacketsAreObserved: every packet both ways reaches OnPacket, with the
// ids that pair them.
func TestPacketsAreObserved(t *testing.T) {
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if err := c.Accept(false); err != nil {
			return err
		}
		p, err := c.Expect(scripted.Subscribe, scripted.Wait)
		if err != nil {
			return err
		}
		c.Write(scripted.Suback, 0, []byte{p.Body[0], p.Body[1], 1})
		return untilClosed(c)
	})
	var mu sync.Mutex
	var seen []mqttconn.Packet
	_, col := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) {
		cfg.Subscriptions = []mqttconn.Subscription{{Filter: "a/#", QoS: 2}}
		cfg.OnPacket = func(p mqttconn.Packet) { mu.Lock(); seen = append(seen, p); mu.Unlock() }
	})
	i := col.waitFor(t, 0, "subscribed", kind(mqttconn.KindSubscribed))
	if g := col.event(i).Granted; g != 1 {
		t.Errorf("granted %d, want 1", g)
	}
	mu.Lock()
	defer mu.Unlock()
	var got []string
	var subID uint16
	for _, p := range seen {
		dir := "in"
		if p.Out {
			dir = "out"
		}
		got = append(got, dir+" "+p.TypeName())
		switch p.Type {
		case mqttconn.TypeSubscribe:
			subID = p.ID
		case mqttconn.TypeSuback:
			if p.ID != subID || p.Code != 1 {
				t.Errorf("SUBACK id %d code %d, SUBSCRIBE id %d", p.ID, p.Code, subID)
			}
		}
	}
	if s := strings.Join(got, ", "); !strings.HasPrefix(s, "out CONNECT, in CONNACK, out SUBSCRIBE, in SUBACK") {
		t.Errorf("packets: %s", s)
	}
}

// TestWebSocketIsDialledByUs: ws:// goes through our own dialler too.
func TestWebSocketIsDialledByUs(t *testing.T) {
	br, err := broker.Start(broker.Config{TCPAddr: "127.0.0.1:0", WebSocketAddr: "127.0.0.1:0", Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer br.Close()
	var mu sync.Mutex
	packets := 0
	c, col := scriptedClient(t, br.WebSocketURL(), func(cfg *mqttconn.Config) {
		cfg.OnPacket = func(mqttconn.Packet) { mu.Lock(); packets++; mu.Unlock() }
	})
	col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
	c.Close()
	mu.Lock()
	defer mu.Unlock()
	if packets < 2 {
		t.Errorf("%d packets observed over WebSocket", packets)
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
