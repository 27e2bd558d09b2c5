package mqttconn_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

// collector drains a client's queue in the background and keeps every event.
type collector struct {
	mu     sync.Mutex
	events []mqttconn.Event
	stop   chan struct{}
}

func collect(t *testing.T, q *mqttconn.Queue) *collector {
	c := &collector{stop: make(chan struct{})}
	go func() {
		for {
			select {
			case <-q.Ready():
				evs, _ := q.Drain()
				c.mu.Lock()
				c.events = append(c.events, evs...)
				c.mu.Unlock()
			case <-c.stop:
				return
			}
		}
	}()
	t.Cleanup(func() { close(c.stop) })
	return c
}

// waitN waits until n events satisfy match and returns the first n.
func (c *collector) waitN(t *testing.T, n int, what string, match func(mqttconn.Event) bool) []mqttconn.Event {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var got []mqttconn.Event
		c.mu.Lock()
		for _, e := range c.events {
			if len(got) < n && match(e) {
				got = append(got, e)
			}
		}
		c.mu.Unlock()
		if len(got) == n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d %s events of %d", len(got), what, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitFor waits until an event after index from satisfies pred and returns its index.
func (c *collector) waitFor(t *testing.T, from int, what string, pred func(mqttconn.Event) bool) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		for i := from; i < len(c.events); i++ {
			if pred(c.events[i]) {
				c.mu.Unlock()
				return i
			}
		}
		c.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var kinds []string
	for _, e := range c.events {
		kinds = append(kinds, fmt.Sprintf("%d/%v/%v", e.Kind, e.State, e.Err))
	}
	t.Fatalf("no %s event; got %s", what, strings.Join(kinds, " "))
	return -1
}

func kind(k mqttconn.Kind) func(mqttconn.Event) bool {
	return func(e mqttconn.Event) bool { return e.Kind == k }
}

func publishState(id uint64, s mqttconn.OutState) func(mqttconn.Event) bool {
	return func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindPublish && e.OutID == id && e.State == s }
}

func message(topic string) func(mqttconn.Event) bool {
	return func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindMessage && e.Message.Topic == topic }
}

// testConnectTimeout is the test clients' ConnectTimeout, which also bounds
// the wait for a SUBACK. It is generous: under -race on a loaded machine a
// CONNACK or SUBACK from a broker on loopback can take seconds, and a test
// whose attempt timed out sees events it does not expect (a second
// connection, a failed subscription). A broker restarted by a test can
// accept a connection while shutting down and never answer it: such an
// attempt costs this long, well inside waitFor's deadline.
const testConnectTimeout = 10 * time.Second

func newClient(t *testing.T, url string, subs ...mqttconn.Subscription) (*mqttconn.Client, *collector) {
	t.Helper()
	c, err := mqttconn.New(mqttconn.Config{
		Server:          url,
		Subscriptions:   subs,
		ProtocolVersion: testProtocol, // 0: the default, MQTT 3.1.1; TestV5ClientSuite sets 5
		MinBackoff:      50 * time.Millisecond,
		MaxBackoff:      300 * time.Millisecond,
		KeepAlive:       5 * time.Second,
		ConnectTimeout:  testConnectTimeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	col := collect(t, c.Queue())
	c.Start()
	t.Cleanup(c.Close)
	return c, col
}

func brokers(t *testing.T) map[string]func(*testing.T) brokertest.Broker {
	return map[string]func(*testing.T) brokertest.Broker{
		"mochi":     func(t *testing.T) brokertest.Broker { return brokertest.StartMochi(t) },
		"mosquitto": func(t *testing.T) brokertest.Broker { return brokertest.StartMosquitto(t) },
	}
}

func TestChatFlow(t *testing.T) {
	for name, start := range brokers(t) {
		t.Run(name, func(t *testing.T) {
			b := start(t)
			c, col := newClient(t, b.URL(), mqttconn.Subscription{Filter: "chat/#", QoS: 1})
			col.waitFor(t, 0, "subscribed", func(e mqttconn.Event) bool {
				return e.Kind == mqttconn.KindSubscribed && e.Filter == "chat/#" && e.Granted == 1
			})
			peer := brokertest.Connect(t, b.URL(), "peer")
			peer.Subscribe(t, "out/#", 2)

			// A message from another client appears.
			peer.Publish(t, "chat/room", 1, false, "hello from peer")
			i := col.waitFor(t, 0, "message", message("chat/room"))
			if got := string(col.event(i).Message.Payload); got != "hello from peer" {
				t.Fatalf("payload = %q", got)
			}
			if c.Received() != 1 {
				t.Fatalf("Received() = %d, want 1", c.Received())
			}

			// What we send arrives with the chosen QoS, and is acknowledged.
			id, err := c.Publish(mqttconn.Message{Topic: "out/x", Payload: []byte("hi"), QoS: 2})
			if err != nil {
				t.Fatal(err)
			}
			col.waitFor(t, 0, "acknowledged", publishState(id, mqttconn.StateAcked))
			m := peer.WaitMessage(t, "out/x", 5*time.Second)
			if m.Qos() != 2 || string(m.Payload()) != "hi" {
				t.Fatalf("peer got qos %d payload %q", m.Qos(), m.Payload())
			}

			// The retain flag reaches the broker: a later subscriber gets it as retained.
			id, err = c.Publish(mqttconn.Message{Topic: "out/retained", Payload: []byte("kept"), QoS: 1, Retained: true})
			if err != nil {
				t.Fatal(err)
			}
			col.waitFor(t, 0, "acknowledged", publishState(id, mqttconn.StateAcked))
			late := brokertest.Connect(t, b.URL(), "late")
			late.Subscribe(t, "out/retained", 0)
			if m := late.WaitMessage(t, "out/retained", 5*time.Second); !m.Retained() {
				t.Fatal("message published with retain was not retained")
			}
			// QoS 0 while connected ends as sent.
			id, err = c.Publish(mqttconn.Message{Topic: "out/q0", Payload: []byte("zero")})
			if err != nil {
				t.Fatal(err)
			}
			col.waitFor(t, 0, "sent", publishState(id, mqttconn.StateSent))
		})
	}
}

func TestReconnectResubscribesAndResends(t *testing.T) {
	for name, start := range brokers(t) {
		t.Run(name, func(t *testing.T) {
			b := start(t)
			c, col := newClient(t, b.URL(), mqttconn.Subscription{Filter: "a/#", QoS: 1}, mqttconn.Subscription{Filter: "b", QoS: 0})
			col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))

			b.Stop()
			lost := col.waitFor(t, 0, "lost", kind(mqttconn.KindLost))

			// While disconnected: QoS 0 is refused, QoS 1 is queued.
			if _, err := c.Publish(mqttconn.Message{Topic: "a/q0", Payload: []byte("x")}); !errors.Is(err, mqttconn.ErrNotConnected) {
				t.Fatalf("QoS 0 while disconnected: err = %v, want ErrNotConnected", err)
			}
			id, err := c.Publish(mqttconn.Message{Topic: "a/q1", Payload: []byte("later"), QoS: 1})
			if err != nil {
				t.Fatal(err)
			}
			col.waitFor(t, lost, "queued", publishState(id, mqttconn.StateQueued))
			if n := c.Pending(); n != 1 {
				t.Fatalf("Pending = %d with one message queued", n)
			}
			col.waitFor(t, lost, "reconnecting", func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindConnecting && e.Attempt >= 1 })

			b.Start()
			back := col.waitFor(t, lost, "connected again", kind(mqttconn.KindConnected))
			if col.event(back).Downtime <= 0 {
				t.Error("reconnect reports no downtime")
			}
			rs := col.waitFor(t, back, "resubscribed", kind(mqttconn.KindResubscribed))
			if col.event(rs).Count != 2 {
				t.Fatalf("re-subscribed %d filters, want 2", col.event(rs).Count)
			}
			col.waitFor(t, back, "acknowledged after reconnect", publishState(id, mqttconn.StateAcked))
			for deadline := time.Now().Add(20 * time.Second); c.Pending() != 0; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("Pending = %d after the acknowledgement", c.Pending())
				}
			}

			// Messages flow again through the re-subscribed filters.
			peer := brokertest.Connect(t, b.URL(), "peer2")
			peer.Publish(t, "b", 0, false, "after")
			col.waitFor(t, back, "message after reconnect", message("b"))
		})
	}
}

func TestFirstConnectFailsThenSucceeds(t *testing.T) {
	b := brokertest.StartMochi(t)
	b.Stop()
	_, col := newClient(t, b.URL(), mqttconn.Subscription{Filter: "#"})
	i := col.waitFor(t, 0, "connect failed", kind(mqttconn.KindConnectFailed))
	if e := col.event(i); e.Fatal || e.RetryIn <= 0 || e.RetryIn > 300*time.Millisecond {
		t.Fatalf("connect failure: fatal=%v retryIn=%v", e.Fatal, e.RetryIn)
	}
	b.Start()
	col.waitFor(t, i, "connected", kind(mqttconn.KindConnected))
}

// denyHook refuses some connections and some subscriptions.
type denyHook struct {
	mqtt.HookBase
}

func (h *denyHook) ID() string { return "deny" }
func (h *denyHook) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}
func (h *denyHook) OnConnectAuthenticate(cl *mqtt.Client, pk packets.Packet) bool {
	return string(pk.Connect.Username) != "bad"
}
func (h *denyHook) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	return !strings.HasPrefix(topic, "secret")
}

func TestRefusedSubscriptionIsReported(t *testing.T) {
	b := brokertest.StartMochi(t, new(denyHook))
	_, col := newClient(t, b.URL(), mqttconn.Subscription{Filter: "open/#"}, mqttconn.Subscription{Filter: "secret/#"})
	i := col.waitFor(t, 0, "refused", kind(mqttconn.KindSubscribeFailed))
	if e := col.event(i); e.Filter != "secret/#" || !errors.Is(e.Err, mqttconn.ErrRefused) {
		t.Fatalf("refusal event: filter %q err %v", e.Filter, e.Err)
	}
	col.waitFor(t, 0, "granted", func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindSubscribed && e.Filter == "open/#" })
}

func TestBadCredentialsStopRetrying(t *testing.T) {
	b := brokertest.StartMochi(t, new(denyHook))
	c, err := mqttconn.New(mqttconn.Config{Server: b.URL(), Username: "bad", MinBackoff: 10 * time.Millisecond, ProtocolVersion: testProtocol})
	if err != nil {
		t.Fatal(err)
	}
	col := collect(t, c.Queue())
	c.Start()
	defer c.Close()
	i := col.waitFor(t, 0, "connect failed", kind(mqttconn.KindConnectFailed))
	e := col.event(i)
	var refused *mqttconn.RefusedError
	if !e.Fatal || !errors.As(e.Err, &refused) {
		t.Fatalf("bad credentials: fatal=%v err=%v", e.Fatal, e.Err)
	}
	time.Sleep(200 * time.Millisecond)
	col.mu.Lock()
	defer col.mu.Unlock()
	for _, ev := range col.events[i+1:] {
		if ev.Kind == mqttconn.KindConnecting {
			t.Fatal("retried after a refusal that retrying cannot fix")
		}
	}
}

func TestPublishValidation(t *testing.T) {
	c, err := mqttconn.New(mqttconn.Config{Server: "tcp://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []mqttconn.Message{
		{Topic: ""}, {Topic: "a/+"}, {Topic: "a/#"}, {Topic: "a\x00"}, {Topic: "\xff"},
		{Topic: strings.Repeat("x", 65536)}, {Topic: "ok", QoS: 3},
	} {
		if _, err := c.Publish(m); err == nil {
			t.Errorf("Publish(topic %.20q, qos %d) accepted", m.Topic, m.QoS)
		}
	}
	if c.Pending() != 0 {
		t.Fatalf("outbox holds %d after refused publishes", c.Pending())
	}
}

func TestNewRejectsBadSubscriptions(t *testing.T) {
	for _, s := range []mqttconn.Subscription{{Filter: "a/#/b"}, {Filter: "a+"}, {Filter: "ok", QoS: 3}} {
		if _, err := mqttconn.New(mqttconn.Config{Server: "tcp://x:1", Subscriptions: []mqttconn.Subscription{s}}); err == nil {
			t.Errorf("New accepted subscription %+v", s)
		}
	}
}

func TestClientID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := mqttconn.NewClientID()
		if len(id) != 23 || !strings.HasPrefix(id, "mqttchat") {
			t.Fatalf("client id %q", id)
		}
		for _, r := range id {
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				t.Fatalf("client id %q has %q", id, r)
			}
		}
		seen[id] = true
	}
	if len(seen) < 100 {
		t.Fatal("client ids repeat")
	}
}

// TestLiveSubscribeAndUnsubscribe changes the wanted set on a live
// connection; the broker's side shows it: messages start, then stop; a
// reconnect subscribes the changed set.
func TestLiveSubscribeAndUnsubscribe(t *testing.T) {
	for name, start := range brokers(t) {
		t.Run(name, func(t *testing.T) {
			b := start(t)
			c, col := newClient(t, b.URL(), mqttconn.Subscription{Filter: "a", QoS: 0})
			col.waitFor(t, 0, "subscribed", kind(mqttconn.KindSubscribed))
			peer := brokertest.Connect(t, b.URL(), "peer")

			if err := c.Subscribe("live/#", 1); err != nil {
				t.Fatal(err)
			}
			col.waitFor(t, 0, "live subscription", func(e mqttconn.Event) bool {
				return e.Kind == mqttconn.KindSubscribed && e.Filter == "live/#" && e.Granted == 1
			})
			peer.Publish(t, "live/x", 1, false, "first")
			col.waitFor(t, 0, "message through the new filter", message("live/x"))

			if err := c.Unsubscribe("live/#"); err != nil {
				t.Fatal(err)
			}
			u := col.waitFor(t, 0, "unsubscribed", func(e mqttconn.Event) bool {
				return e.Kind == mqttconn.KindUnsubscribed && e.Filter == "live/#" && e.Err == nil
			})
			peer.Publish(t, "live/x", 1, false, "after unsub")
			peer.Publish(t, "a", 1, false, "marker")
			m := col.waitFor(t, u, "marker", message("a"))
			col.mu.Lock()
			for _, e := range col.events[u:m] {
				if e.Kind == mqttconn.KindMessage && e.Message.Topic == "live/x" {
					t.Error("a message arrived after UNSUBACK")
				}
			}
			col.mu.Unlock()
			if err := c.Unsubscribe("never"); !errors.Is(err, mqttconn.ErrNotSubscribed) {
				t.Fatalf("unsubscribe unknown: %v", err)
			}
			if err := c.Subscribe("bad/#/x", 0); err == nil {
				t.Fatal("bad filter accepted")
			}

			// The changed set is what a reconnect subscribes.
			c.Subscribe("more/+", 0)
			col.waitFor(t, 0, "more/+", func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindSubscribed && e.Filter == "more/+" })
			b.Stop()
			lost := col.waitFor(t, 0, "lost", kind(mqttconn.KindLost))
			b.Start()
			rs := col.waitFor(t, lost, "resubscribed", kind(mqttconn.KindResubscribed))
			if col.event(rs).Count != 2 {
				t.Fatalf("re-subscribed %d filters, want 2 (a, more/+)", col.event(rs).Count)
			}
			col.mu.Lock()
			for _, e := range col.events[lost:rs] {
				if e.Kind == mqttconn.KindSubscribed && e.Filter == "live/#" {
					t.Error("re-subscribed a removed filter")
				}
			}
			col.mu.Unlock()
		})
	}
}
