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
	case <-time.After(20 * time.Second):
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
	case <-time.After(20 * time.Second):
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
// publish says why, and the screen shows it in words: mosquitto with an
// acl_file (which grants every subscription), and with the dynamic
// security plugin's access control list, which refuses the subscription
// too.
func TestMQTT5RefusedPublishThroughTheBinary(t *testing.T) {
	for _, tc := range []struct {
		name      string
		conf      func(t *testing.T) []string
		subRefuse bool
	}{
		{"acl_file", func(t *testing.T) []string {
			acl := filepath.Join(t.TempDir(), "acl")
			if err := os.WriteFile(acl, []byte("topic read room\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return []string{"acl_file " + acl}
		}, false},
		{"dynamic security", func(t *testing.T) []string { return brokertest.DenyConf(t, "room") }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := brokertest.StartMosquitto(t, tc.conf(t)...)
			host, port, _ := strings.Cut(m.Addr(), ":")
			s := start(t, 200, 30, nil, "-V", "mqttv5", "-h", host, "-p", port, "-t", "room", "-t", "open", "-q", "1")
			if tc.subRefuse {
				s.waitFor("● connected", "subscription to room failed: refused by the broker: not authorized", "subscribed to open (QoS 1)")
			} else {
				s.waitFor("● connected", "subscribed to room (QoS 1)")
			}
			s.typeKeys("may I\r")
			s.waitFor("may I ✗ failed: not authorized")
			s.typeKeys("\x03")
			s.waitExit()
		})
	}
}

// TestMQTT5SessionTakenOverThroughTheBinary: a second mqttchat with the
// same client id takes the session; the first says so in words and stops
// retrying (F5 would take it back), the second stays connected.
func TestMQTT5SessionTakenOverThroughTheBinary(t *testing.T) {
	b := brokertest.StartMochi(t)
	host, port, _ := strings.Cut(b.Addr(), ":")
	args := []string{"-V", "5", "-h", host, "-p", port, "-i", "twin", "-t", "room"}
	first := start(t, 300, 30, nil, args...)
	first.waitFor("● connected", "subscribed to room")
	second := start(t, 300, 30, nil, args...)
	second.waitFor("● connected", "subscribed to room")
	first.waitFor("session taken over: another client connected with this client id", "not retrying")
	time.Sleep(500 * time.Millisecond) // a retry of the first would take the session back by now
	if txt := second.text(); !strings.Contains(txt, "● connected") || strings.Contains(txt, "taken over") {
		t.Fatalf("the second lost the session:\n%s", txt)
	}
	for _, s := range []*screen{first, second} {
		s.typeKeys("\x03")
		s.waitExit()
	}
}
