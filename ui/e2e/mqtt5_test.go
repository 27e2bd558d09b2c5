package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

// peer5 is an MQTT 5 client named bob on the other side of the broker.
func peer5(t *testing.T, url, filter string) (*mqttconn.Client, <-chan mqttconn.Message) {
	t.Helper()
	c, err := mqttconn.New(mqttconn.Config{Server: url, ProtocolVersion: 5, Name: "bob",
		Subscriptions: []mqttconn.Subscription{{Filter: filter, QoS: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	msgs := make(chan mqttconn.Message, 16)
	subscribed := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		q := c.Queue()
		for {
			select {
			case <-q.Ready():
				evs, _ := q.Drain()
				for _, ev := range evs {
					switch ev.Kind {
					case mqttconn.KindMessage:
						msgs <- ev.Message
					case mqttconn.KindSubscribed:
						close(subscribed)
					}
				}
			case <-stop:
				return
			}
		}
	}()
	c.Start()
	t.Cleanup(func() { c.Close(); close(stop) })
	select {
	case <-subscribed:
	case <-time.After(10 * time.Second):
		t.Fatal("the MQTT 5 peer did not subscribe")
	}
	return c, msgs
}

// TestMQTT5ChatThroughTheBinary: with -V 5 --name, what the person types
// reaches an MQTT 5 peer with the name as a user property, and the peer's
// reply is shown with his name.
func TestMQTT5ChatThroughTheBinary(t *testing.T) {
	m := brokertest.StartMosquitto(t)
	host, port, _ := strings.Cut(m.Addr(), ":")
	bob, msgs := peer5(t, m.URL(), "room")
	s := start(t, 120, 30, nil, "-V", "5", "--name", "alice", "-h", host, "-p", port, "-t", "room", "-q", "1")
	s.waitFor("● connected", "subscribed to room (QoS 1)")
	s.typeKeys("hello bob\r")
	s.waitFor("hello bob ✓ acknowledged")
	select {
	case msg := <-msgs:
		if string(msg.Payload) != "hello bob" || msg.Sender() != "alice" {
			t.Fatalf("bob got %q from %q", msg.Payload, msg.Sender())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("bob got nothing")
	}
	if _, err := bob.Publish(mqttconn.Message{Topic: "room", Payload: []byte("hi alice"), QoS: 1}); err != nil {
		t.Fatal(err)
	}
	s.waitFor("◀ bob ▸ room q1 hi alice")
	s.typeKeys("\x03")
	if code := s.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
}

// TestMQTT5RefusedPublishThroughTheBinary: a broker that refuses a
// publish says why, and the screen shows it in words.
func TestMQTT5RefusedPublishThroughTheBinary(t *testing.T) {
	acl := filepath.Join(t.TempDir(), "acl")
	if err := os.WriteFile(acl, []byte("topic read room\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := brokertest.StartMosquitto(t, "acl_file "+acl)
	host, port, _ := strings.Cut(m.Addr(), ":")
	s := start(t, 120, 30, nil, "-V", "mqttv5", "-h", host, "-p", port, "-t", "room", "-q", "1")
	s.waitFor("● connected", "subscribed to room (QoS 1)")
	s.typeKeys("may I\r")
	s.waitFor("may I ✗ failed: not authorized")
	s.typeKeys("\x03")
	s.waitExit()
}
