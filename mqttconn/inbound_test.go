package mqttconn_test

import (
	"errors"
	"testing"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// TestInboundQoS2RedeliveryIsDeliveredOnce: a broker that sends a QoS 2
// message again (DUP set, same id) before PUBREL — on the same connection
// and on the next one of the session — gets a PUBREC each time, and the
// message reaches the queue once. After PUBREL the id is new again.
func TestInboundQoS2RedeliveryIsDeliveredOnce(t *testing.T) {
	done := make(chan error, 1)
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if err := c.Accept(c.N > 1); err != nil {
			return err
		}
		expectRec := func(id uint16) error {
			p, err := c.Expect(scripted.Pubrec, scripted.Wait)
			if err == nil && p.ID() != id {
				err = errors.New("PUBREC for another id")
			}
			return err
		}
		switch c.N {
		case 1:
			c.SendPublish("in/x", 2, false, 5, []byte("once"))
			if err := expectRec(5); err != nil {
				return err
			}
			for range 3 {
				c.SendPublish("in/x", 2, true, 5, []byte("once"))
				if err := expectRec(5); err != nil {
					return err
				}
			}
			c.SendPublish("in/x", 2, false, 6, []byte("cut")) // the connection ends before PUBREC
			return nil
		case 2:
			c.SendPublish("in/x", 2, true, 6, []byte("cut"))
			if err := expectRec(6); err != nil {
				return err
			}
			for _, id := range []uint16{5, 6} {
				c.Ack(scripted.Pubrel, id)
				if _, err := c.Expect(scripted.Pubcomp, scripted.Wait); err != nil {
					done <- err
					return err
				}
			}
			c.SendPublish("in/x", 2, false, 5, []byte("new under an old id"))
			err := expectRec(5)
			done <- err
			return untilClosed(c)
		}
		return untilClosed(c)
	})
	_, col := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) { cfg.PersistentSession = true })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	col.waitFor(t, 0, "the new message", func(e mqttconn.Event) bool {
		return e.Kind == mqttconn.KindMessage && string(e.Message.Payload) == "new under an old id"
	})
	col.mu.Lock()
	defer col.mu.Unlock()
	count := map[string]int{}
	for _, ev := range col.events {
		if ev.Kind == mqttconn.KindMessage {
			count[string(ev.Message.Payload)]++
		}
	}
	if count["once"] != 1 || count["cut"] != 1 {
		t.Errorf("delivered %v, want once and cut each once", count)
	}
}

// TestQoS2AnsweredWithPubackIsSaidSo: RabbitMQ answers a QoS 2 PUBLISH
// with PUBACK; the message ends "acknowledged as QoS 1", not acknowledged.
func TestQoS2AnsweredWithPubackIsSaidSo(t *testing.T) {
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if err := c.Accept(false); err != nil {
			return err
		}
		p, err := c.Expect(scripted.Publish, scripted.Wait)
		if err != nil {
			return err
		}
		_, id, _ := p.Publish()
		c.Ack(scripted.Puback, id)
		return untilClosed(c)
	})
	c, col := scriptedClient(t, b.URL(), nil)
	col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
	id, err := c.Publish(mqttconn.Message{Topic: "r", QoS: 2, Payload: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	i := col.waitFor(t, 0, "settled", func(e mqttconn.Event) bool {
		return e.Kind == mqttconn.KindPublish && e.OutID == id && (e.State == mqttconn.StateAcked || e.State == mqttconn.StateAckedAsQoS1)
	})
	if e := col.event(i); e.State != mqttconn.StateAckedAsQoS1 || e.Err == nil {
		t.Errorf("state %v (%v), want acknowledged as QoS 1 with a reason", e.State, e.Err)
	}
	if c.Pending() != 0 {
		t.Errorf("pending %d", c.Pending())
	}
}
