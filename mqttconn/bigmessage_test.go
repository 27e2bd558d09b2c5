package mqttconn_test

import (
	"bytes"
	"fmt"
	"testing"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

// TestMessagesOfEverySizeArriveWhole: through mosquitto, over 3.1.1 and 5,
// messages of every QoS, smaller and larger than the wire's read buffer
// (64 KiB: the checks before the library reads a PUBLISH see only what the
// buffer holds), with properties over MQTT 5, arrive whole, and the
// connection is never dropped for a fault it does not have.
func TestMessagesOfEverySizeArriveWhole(t *testing.T) {
	m := brokertest.StartMosquitto(t)
	for _, protocol := range []uint{4, 5} {
		t.Run(fmt.Sprintf("protocol %d", protocol), func(t *testing.T) {
			version := func(cfg *mqttconn.Config) { cfg.ProtocolVersion = protocol }
			filter := fmt.Sprintf("big%d/#", protocol)
			_, col := newClient5(t, m.URL(), version, mqttconn.Subscription{Filter: filter, QoS: 2})
			col.waitFor(t, 0, "subscribed", subscribedTo(filter))
			pub, pcol := newClient5(t, m.URL(), version)
			pcol.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
			var sent []mqttconn.Message
			for _, size := range []int{10, 65 << 10, 70_000, 300_000} {
				for qos := byte(0); qos <= 2; qos++ {
					msg := mqttconn.Message{Topic: fmt.Sprintf("big%d/%d/q%d", protocol, size, qos), QoS: qos,
						Payload: bytes.Repeat([]byte{byte('a' + qos)}, size)}
					if protocol == 5 {
						msg.Properties = &mqttconn.Properties{ContentType: "application/octet-stream",
							User: []mqttconn.UserProperty{{Key: "size", Value: fmt.Sprint(size)}}}
					}
					if _, err := pub.Publish(msg); err != nil {
						t.Fatal(err)
					}
					sent = append(sent, msg)
				}
			}
			// Each on its own topic and QoS: MQTT orders only within one.
			got := map[string]mqttconn.Message{}
			for _, e := range col.waitN(t, len(sent), "message", kind(mqttconn.KindMessage)) {
				if _, twice := got[e.Message.Topic]; twice {
					t.Errorf("%s twice", e.Message.Topic)
				}
				got[e.Message.Topic] = e.Message
			}
			for _, want := range sent {
				g := got[want.Topic]
				if !bytes.Equal(g.Payload, want.Payload) {
					t.Errorf("%s: %d bytes, want %d", want.Topic, len(g.Payload), len(want.Payload))
				}
				if protocol == 5 && (g.Properties == nil || g.Properties.ContentType != want.Properties.ContentType ||
					len(g.Properties.User) != 1 || g.Properties.User[0] != want.Properties.User[0]) {
					t.Errorf("%s: properties %+v", want.Topic, g.Properties)
				}
			}
			col.mu.Lock()
			defer col.mu.Unlock()
			for _, e := range col.events {
				if e.Kind == mqttconn.KindLost {
					t.Errorf("connection lost: %v", e.Err)
				}
			}
		})
	}
}
