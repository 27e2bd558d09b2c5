package mqttconn_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// TestDropAfterOurPublishIsNoTakeover: a broker that closes the
// connection as soon as it reads our PUBLISH (mosquitto does so for a
// string it takes as malformed UTF-8) refused the message; no other client
// took our id. The losses say so, the retries never stop as for a
// take-over, and the message is still sent again after each reconnect.
func TestDropAfterOurPublishIsNoTakeover(t *testing.T) {
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if err := c.Accept(false); err != nil {
			return err
		}
		for {
			p, err := c.Read(10 * time.Second)
			if err != nil {
				return nil
			}
			switch p.Type {
			case scripted.Publish:
				return nil // closed at once, as mosquitto does
			case scripted.Pingreq:
				c.Write(scripted.Pingresp, 0, nil)
			}
		}
	})
	c, col := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) { cfg.TakeoverLimit = 2 })
	col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
	if _, err := c.Publish(mqttconn.Message{Topic: "chat/x", Payload: []byte("hello"), QoS: 1}); err != nil {
		t.Fatal(err)
	}
	lost := 0
	for i := 0; lost < 4; i++ {
		i = col.waitFor(t, i, "connection lost", kind(mqttconn.KindLost))
		e := col.event(i)
		lost++
		var ce *mqttconn.ConnectError
		if e.Fatal || errors.As(e.Err, &ce) && ce.Reason == mqttconn.ReasonTakeover || strings.Contains(e.Err.Error(), "client id") {
			t.Fatalf("loss %d: %v (fatal %v): taken for a take-over", lost, e.Err, e.Fatal)
		}
		if want := "the broker closed the connection right after a message we published: it may refuse something in that message"; e.Err.Error() != want {
			t.Fatalf("loss %d: %q, want %q", lost, e.Err, want)
		}
	}
	if n := b.Connections(); n < 4 {
		t.Errorf("%d connections, want at least 4 (the message sent again each time)", n)
	}
}
