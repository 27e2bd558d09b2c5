package mqttconn_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

// TestV5RunProperties: the properties set for a whole run (mosquitto's -D)
// go out on their packets: CONNECT (its own and the Will's), SUBSCRIBE
// (a subscription identifier the broker then hands back), PUBLISH (the
// defaults under the message's own), UNSUBSCRIBE and DISCONNECT.
func TestV5RunProperties(t *testing.T) {
	b := brokertest.StartMochi(t)
	var mu sync.Mutex
	props := map[byte][]string{} // packet type → "Name=Value" of every property sent
	expiry := time.Duration(0)
	c, col := newClient5(t, b.URL(), func(c *mqttconn.Config) {
		c.ConnectProperties = &mqttconn.ConnectProperties{ReceiveMaximum: 10, User: []mqttconn.UserProperty{{Key: "site", Value: "lab"}}}
		c.Will = &mqttconn.Will{Topic: "gone", Payload: []byte("bye"), Delay: 5 * time.Second,
			Properties: &mqttconn.Properties{ContentType: "text/plain", User: []mqttconn.UserProperty{{Key: "why", Value: "lost"}}}}
		c.SubscribeProperties = &mqttconn.SubscribeProperties{ID: 7, User: []mqttconn.UserProperty{{Key: "s", Value: "1"}}}
		c.UnsubscribeUser = []mqttconn.UserProperty{{Key: "u", Value: "2"}}
		c.PublishProperties = &mqttconn.Properties{ContentType: "text/plain", MessageExpiry: time.Minute,
			User: []mqttconn.UserProperty{{Key: "env", Value: "test"}}}
		c.DisconnectProperties = &mqttconn.DisconnectProperties{Reason: "done", SessionExpiry: &expiry}
		c.OnPacket = func(p mqttconn.Packet) {
			if !p.Out {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, pr := range p.Props {
				props[p.Type] = append(props[p.Type], pr.Name+"="+pr.Value)
			}
		}
	}, mqttconn.Subscription{Filter: "t/#", QoS: 1})
	col.waitFor(t, 0, "subscribed", kind(mqttconn.KindSubscribed))
	id, err := c.Publish(mqttconn.Message{Topic: "t/1", Payload: []byte("{}"), QoS: 1,
		Properties: &mqttconn.Properties{ContentType: "application/json", User: []mqttconn.UserProperty{{Key: "k", Value: "v"}}}})
	if err != nil {
		t.Fatal(err)
	}
	col.waitFor(t, 0, "acknowledged", publishState(id, mqttconn.StateAcked))
	i := col.waitFor(t, 0, "own message", kind(mqttconn.KindMessage))
	col.mu.Lock()
	got := col.events[i].Message.Properties
	col.mu.Unlock()
	wantUser := []mqttconn.UserProperty{{Key: "env", Value: "test"}, {Key: "k", Value: "v"}}
	if got == nil || got.ContentType != "application/json" || !slices.Equal(got.User, wantUser) ||
		!slices.Equal(got.SubscriptionIDs, []int{7}) || got.MessageExpiry == 0 {
		t.Fatalf("received properties %+v, want content type application/json, user %v, subscription id 7, an expiry", got, wantUser)
	}
	if err := c.Unsubscribe("t/#"); err != nil {
		t.Fatal(err)
	}
	col.waitFor(t, 0, "unsubscribed", kind(mqttconn.KindUnsubscribed))
	c.Close()
	mu.Lock()
	defer mu.Unlock()
	want := map[byte][]string{
		mqttconn.TypeConnect: {"Receive Maximum=10", "User Property=site=lab", "Will Delay Interval=5 s",
			"Will Content Type=text/plain", "Will User Property=why=lost"},
		mqttconn.TypeSubscribe:   {"Subscription Identifier=7", "User Property=s=1"},
		mqttconn.TypePublish:     {"Content Type=application/json", "User Property=env=test", "User Property=k=v"},
		mqttconn.TypeUnsubscribe: {"User Property=u=2"},
		mqttconn.TypeDisconnect:  {"Session Expiry Interval=0 s", "Reason String=done"},
	}
	for typ, names := range want {
		for _, n := range names {
			if !slices.Contains(props[typ], n) {
				t.Errorf("%s: no %q in %q", mqttconn.Packet{Type: typ}.TypeName(), n, props[typ])
			}
		}
	}
}

// TestV5RunPropertiesRefused: properties need MQTT 5, a DISCONNECT cannot
// extend a session that ends with the connection.
func TestV5RunPropertiesRefused(t *testing.T) {
	long := time.Hour
	tests := []struct {
		name string
		mod  func(*mqttconn.Config)
	}{
		{"publish properties over 3.1.1", func(c *mqttconn.Config) {
			c.ProtocolVersion = 4
			c.PublishProperties = &mqttconn.Properties{ContentType: "x"}
		}},
		{"will delay over 3.1.1", func(c *mqttconn.Config) {
			c.ProtocolVersion = 4
			c.Will = &mqttconn.Will{Topic: "w", Delay: time.Second}
		}},
		{"disconnect expiry without a kept session", func(c *mqttconn.Config) {
			c.DisconnectProperties = &mqttconn.DisconnectProperties{SessionExpiry: &long}
		}},
		{"subscription identifier too large", func(c *mqttconn.Config) {
			c.SubscribeProperties = &mqttconn.SubscribeProperties{ID: mqttconn.MaxSubscriptionID + 1}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mqttconn.Config{Server: "tcp://127.0.0.1:1", ProtocolVersion: 5}
			tt.mod(&cfg)
			if _, err := mqttconn.New(cfg); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
