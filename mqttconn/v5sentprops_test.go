package mqttconn_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

// TestV5SentMessageCarriesWhatWentOut: the queued event of a message we
// send (what the history records and the screen shows) carries the
// properties the PUBLISH goes out with: the -D publish defaults, the
// message's own, and the sender's name, first and once, as on the wire.
func TestV5SentMessageCarriesWhatWentOut(t *testing.T) {
	b := brokertest.StartMochi(t)
	var mu sync.Mutex
	var wire []string // user properties of our PUBLISH packets
	c, col := newClient5(t, b.URL(), func(c *mqttconn.Config) {
		c.Name = "alice"
		c.PublishProperties = &mqttconn.Properties{MessageExpiry: time.Minute, User: []mqttconn.UserProperty{{Key: "env", Value: "test"}}}
		c.OnPacket = func(p mqttconn.Packet) {
			if !p.Out || p.Type != mqttconn.TypePublish {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, pr := range p.Props {
				if pr.Name == "User Property" {
					wire = append(wire, pr.Value)
				}
			}
		}
	})
	col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
	own := &mqttconn.Properties{ContentType: "text/plain", User: []mqttconn.UserProperty{{Key: "k", Value: "v"}}}
	id, err := c.Publish(mqttconn.Message{Topic: "t/1", Payload: []byte("hi"), QoS: 1, Properties: own})
	if err != nil {
		t.Fatal(err)
	}
	col.waitFor(t, 0, "acknowledged", publishState(id, mqttconn.StateAcked))
	i := col.waitFor(t, 0, "queued", publishState(id, mqttconn.StateQueued))
	got := col.event(i).Message.Properties
	wantUser := []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: "alice"}, {Key: "env", Value: "test"}, {Key: "k", Value: "v"}}
	if got == nil || !slices.Equal(got.User, wantUser) || got.ContentType != "text/plain" || got.MessageExpiry != time.Minute {
		t.Fatalf("queued with %+v, want user %v, content type text/plain, expiry 1m", got, wantUser)
	}
	if len(own.User) != 1 {
		t.Errorf("the caller's properties were changed: %+v", own)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"mqttchat-name=alice", "env=test", "k=v"}; !slices.Equal(wire, want) {
		t.Errorf("on the wire %q, want %q", wire, want)
	}
}
