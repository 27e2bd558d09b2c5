package mqttconn_test

import (
	"fmt"
	"slices"
	"testing"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

// received are the payloads (with "(retained)" marked) of the messages on
// topic in the collector from event from on.
func (c *collector) received(from int, topic string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, e := range c.events[from:] {
		if e.Kind == mqttconn.KindMessage && e.Message.Topic == topic {
			p := string(e.Message.Payload)
			if e.Message.Retained {
				p += " (retained)"
			}
			out = append(out, p)
		}
	}
	return out
}

// TestV5SubscriptionOptionsOnBrokers: mochi and mosquitto in MQTT 5 do
// what the options ask. No Local: our own message does not come back (and
// without it, it does). Retain handling 0 sends the retained message on
// every subscribe, 1 only on a new subscription, 2 never. Retain as
// published keeps the RETAIN flag of a live retained message (without it,
// the broker clears it). A $share subscription gets the messages of its
// filter part. Each check ends with a peer's marker message, after which
// anything the broker should not have sent would have come. The
// subscriptions are QoS 1, so that mochi's "packet identifier in use"
// (TestV5ScriptedSubscribeIDInUse) comes up and is overcome.
func TestV5SubscriptionOptionsOnBrokers(t *testing.T) {
	for name, start := range brokers(t) {
		t.Run(name, func(t *testing.T) {
			b := start(t)
			peer := brokertest.Connect(t, b.URL(), "peer")
			for _, tp := range []string{"rh0/x", "rh1/x", "rh2/x"} {
				peer.Publish(t, tp, 1, true, "kept")
			}
			c, col := newClient5(t, b.URL(), nil)
			col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
			sub := func(s mqttconn.Subscription) int {
				t.Helper()
				from := col.len()
				if err := c.SubscribeWith(s); err != nil {
					t.Fatal(err)
				}
				col.waitFor(t, from, "subscribed to "+s.Filter, subscribedTo(s.Filter))
				return from
			}
			marker := func(from int, topic string) []string {
				t.Helper()
				peer.Publish(t, topic, 1, false, "marker")
				col.waitFor(t, from, "marker on "+topic, func(e mqttconn.Event) bool {
					return e.Kind == mqttconn.KindMessage && e.Message.Topic == topic && string(e.Message.Payload) == "marker"
				})
				return col.received(from, topic)
			}
			expect := func(what string, got []string, want ...string) {
				t.Helper()
				if !slices.Equal(got, want) {
					t.Errorf("%s: got %q, want %q", what, got, want)
				}
			}
			publish := func(topic, text string, retain bool) {
				t.Helper()
				id, err := c.Publish(mqttconn.Message{Topic: topic, Payload: []byte(text), QoS: 1, Retained: retain})
				if err != nil {
					t.Fatal(err)
				}
				col.waitFor(t, 0, "acknowledged", publishState(id, mqttconn.StateAcked))
			}

			// No Local, and without it.
			from := sub(mqttconn.Subscription{Filter: "nl/#", QoS: 1, NoLocal: true})
			publish("nl/a", "mine", false)
			expect("no local", marker(from, "nl/a"), "marker")
			from = sub(mqttconn.Subscription{Filter: "echo/#", QoS: 1})
			publish("echo/a", "mine", false)
			expect("without no local", marker(from, "echo/a"), "mine", "marker")

			// Retain handling, subscribing twice to the same filter.
			for rh, want := range [][2][]string{
				{{"kept (retained)", "marker"}, {"kept (retained)", "marker"}}, // 0: always
				{{"kept (retained)", "marker"}, {"marker"}},                    // 1: new subscriptions only
				{{"marker"}, {"marker"}},                                       // 2: never
			} {
				f, tp := fmt.Sprintf("rh%d/#", rh), fmt.Sprintf("rh%d/x", rh)
				for i := range 2 {
					from := sub(mqttconn.Subscription{Filter: f, QoS: 1, RetainHandling: byte(rh)})
					expect(fmt.Sprintf("retain handling %d, subscribe %d", rh, i+1), marker(from, tp), want[i]...)
				}
			}

			// Retain as published, and without it, for a live retained message.
			from = sub(mqttconn.Subscription{Filter: "rap/#", QoS: 1, RetainAsPublished: true})
			peer.Publish(t, "rap/x", 1, true, "live")
			expect("retain as published", marker(from, "rap/x"), "live (retained)", "marker")
			from = sub(mqttconn.Subscription{Filter: "norap/#", QoS: 1})
			peer.Publish(t, "norap/x", 1, true, "live")
			expect("without retain as published", marker(from, "norap/x"), "live", "marker")

			// A shared subscription gets its filter part's messages.
			from = sub(mqttconn.Subscription{Filter: "$share/g/sh/#", QoS: 1})
			expect("$share", marker(from, "sh/a"), "marker")
		})
	}
}

// len is how many events the collector holds.
func (c *collector) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.events)
}
