package mqttconn_test

import (
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// closeBound is far above what Close may take (closeWait, 250 ms, and a
// little): it only tells "bounded" from "waits on the broker".
const closeBound = 5 * time.Second

// TestCloseDoesNotWaitOnTheBroker: quitting never waits on the broker: not
// for a SUBACK that never comes, not for a write the broker does not read,
// not for a CONNACK that never comes.
func TestCloseDoesNotWaitOnTheBroker(t *testing.T) {
	release := make(chan struct{}) // lets the broker that stopped reading go at the end
	defer close(release)
	tests := []struct {
		name   string
		script func(c *scripted.Conn) error
		setup  func(t *testing.T, c *mqttconn.Client, col *collector)
	}{
		{"no SUBACK", func(c *scripted.Conn) error {
			if err := c.Accept(false); err != nil {
				return err
			}
			return untilClosed(c) // reads SUBSCRIBE, never answers
		}, func(t *testing.T, c *mqttconn.Client, col *collector) {
			col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
		}},
		{"broker stops reading", func(c *scripted.Conn) error {
			if err := c.Accept(false); err != nil {
				return err
			}
			<-release // reads nothing more
			return nil
		}, func(t *testing.T, c *mqttconn.Client, col *collector) {
			col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
			id, err := c.Publish(mqttconn.Message{Topic: "big", QoS: 1, Payload: make([]byte, 32<<20)})
			if err != nil {
				t.Fatal(err)
			}
			col.waitFor(t, 0, "sending", publishState(id, mqttconn.StateSending))
		}},
		{"no CONNACK", func(c *scripted.Conn) error {
			return untilClosed(c)
		}, func(t *testing.T, c *mqttconn.Client, col *collector) {
			col.waitFor(t, 0, "connecting", kind(mqttconn.KindConnecting))
		}},
	}
	for _, tt := range tests {
		b := scripted.Start(t, tt.script) // stopped when the whole test ends
		t.Run(tt.name, func(t *testing.T) {
			c, col := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) {
				cfg.ConnectTimeout = time.Hour
				cfg.Subscriptions = []mqttconn.Subscription{{Filter: "a", QoS: 1}}
			})
			tt.setup(t, c, col)
			closed := make(chan struct{})
			go func() { c.Close(); close(closed) }()
			select {
			case <-closed:
			case <-time.After(closeBound):
				t.Fatal("Close waits on the broker")
			}
		})
	}
}
