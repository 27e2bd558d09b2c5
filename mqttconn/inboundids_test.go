package mqttconn_test

import (
	"fmt"
	"testing"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// TestOurPacketIDsAvoidTheBrokersInFlight: while a QoS 1 message the broker
// sent with id 1 awaits our PUBACK, our SUBSCRIBE does not take id 1 (mochi,
// the built-in broker, would refuse it as "packet identifier in use"), nor
// does a PUBLISH of ours (mochi would take it for the answer to its own).
func TestOurPacketIDsAvoidTheBrokersInFlight(t *testing.T) {
	done := make(chan error, 1)
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if err := c.Accept(false); err != nil {
			return err
		}
		err := func() error {
			if err := c.SendPublish("in/a", 1, false, 1, []byte("held")); err != nil {
				return err
			}
			p, err := c.Expect(scripted.Subscribe, scripted.Wait)
			if err != nil {
				return err
			}
			if p.ID() == 1 {
				return fmt.Errorf("SUBSCRIBE took id 1, the broker's own in flight")
			}
			if err := c.Write(scripted.Suback, 0, append(p.Body[:2:2], 0)); err != nil {
				return err
			}
			p, err = c.Expect(scripted.Publish, scripted.Wait)
			if err != nil {
				return err
			}
			_, id, _ := p.Publish()
			if id == 1 {
				return fmt.Errorf("our PUBLISH took id 1, the broker's own in flight")
			}
			if err := c.Ack(scripted.Puback, id); err != nil {
				return err
			}
			p, err = c.Expect(scripted.Puback, scripted.Wait)
			if err == nil && p.ID() != 1 {
				err = fmt.Errorf("PUBACK for %d, want 1", p.ID())
			}
			return err
		}()
		done <- err
		if err != nil {
			return err
		}
		return untilClosed(c)
	})
	acks := make(chan func(), 1)
	c, col := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) {
		cfg.PersistentSession = true
		cfg.Sink = func(ev mqttconn.Event, ack func()) {
			if ack != nil {
				acks <- ack // recorded later, by the test
			}
		}
	})
	ack := <-acks
	if err := c.Subscribe("x/y", 0); err != nil {
		t.Fatal(err)
	}
	col.waitFor(t, 0, "subscribed", kind(mqttconn.KindSubscribed))
	if _, err := c.Publish(mqttconn.Message{Topic: "out/b", QoS: 1, Payload: []byte("mine")}); err != nil {
		t.Fatal(err)
	}
	col.waitFor(t, 0, "acknowledged", func(e mqttconn.Event) bool {
		return e.Kind == mqttconn.KindPublish && e.State == mqttconn.StateAcked
	})
	ack()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
