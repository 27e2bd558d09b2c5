package mqttconn_test

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mqttchat/history"
	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

func persistentClient(t *testing.T, url, id string, extra func(*mqttconn.Config)) (*mqttconn.Client, *collector) {
	t.Helper()
	cfg := mqttconn.Config{
		Server: url, ClientID: id, PersistentSession: true, ProtocolVersion: testProtocol,
		Subscriptions: []mqttconn.Subscription{{Filter: "q/#", QoS: 1}},
		MinBackoff:    50 * time.Millisecond, MaxBackoff: 300 * time.Millisecond,
		ConnectTimeout: testConnectTimeout,
	}
	if extra != nil {
		extra(&cfg)
	}
	c, err := mqttconn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	col := collect(t, c.Queue())
	c.Start()
	return c, col
}

// TestPersistentSessionDeliversWhatWasQueued: messages published while we
// were away arrive on our return, each acknowledged only after the sink
// recorded it.
func TestPersistentSessionDeliversWhatWasQueued(t *testing.T) {
	b := brokertest.StartMosquitto(t)
	c1, col := persistentClient(t, b.URL(), "persistA", nil)
	col.waitFor(t, 0, "subscribed", kind(mqttconn.KindSubscribed))
	c1.Close()

	peer := brokertest.Connect(t, b.URL(), "peer")
	for _, p := range []string{"one", "two", "three"} {
		peer.Publish(t, "q/x", 1, false, p)
	}

	var mu sync.Mutex
	acks := 0
	c2, col2 := persistentClient(t, b.URL(), "persistA", func(cfg *mqttconn.Config) {
		cfg.Sink = func(ev mqttconn.Event, ack func()) {
			if ev.Kind == mqttconn.KindMessage {
				if ack == nil {
					t.Error("a QoS 1 message of a persistent session came without its ack")
					return
				}
				mu.Lock()
				acks++
				mu.Unlock()
				ack()
			}
		}
	})
	defer c2.Close()
	i := col2.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
	if !col2.event(i).SessionPresent {
		t.Fatal("session not present")
	}
	for _, p := range []string{"one", "two", "three"} {
		col2.waitFor(t, 0, "queued message "+p, func(e mqttconn.Event) bool {
			return e.Kind == mqttconn.KindMessage && string(e.Message.Payload) == p
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if acks != 3 {
		t.Fatalf("%d acks through the sink, want 3", acks)
	}
}

// TestOutboxSurvivesARestartOfMqttchat: a QoS 1 message typed while the
// broker was down, then mqttchat quit; the next run sends it.
func TestOutboxSurvivesARestartOfMqttchat(t *testing.T) {
	b := brokertest.StartMochi(t)
	b.Stop()
	path := filepath.Join(t.TempDir(), "sessions", "x.outbox")
	store, restored, err := history.OpenOutbox(path)
	if err != nil || len(restored) != 0 {
		t.Fatal(restored, err)
	}
	c1, col := persistentClient(t, b.URL(), "persistB", func(cfg *mqttconn.Config) { cfg.Outbox = store })
	id, err := c1.Publish(mqttconn.Message{Topic: "out/x", Payload: []byte("typed while down"), QoS: 1})
	if err != nil {
		t.Fatal(err)
	}
	col.waitFor(t, 0, "queued", publishState(id, mqttconn.StateQueued))
	c1.Close()
	store.Close()

	b.Start()
	peer := brokertest.Connect(t, b.URL(), "peer")
	peer.Subscribe(t, "out/#", 1)
	store, restored, err = history.OpenOutbox(path)
	if err != nil || len(restored) != 1 {
		t.Fatalf("restored %v, %v", restored, err)
	}
	c2, col2 := persistentClient(t, b.URL(), "persistB", func(cfg *mqttconn.Config) { cfg.Outbox, cfg.Restored = store, restored })
	first := col2.waitFor(t, 0, "restored message shown", func(e mqttconn.Event) bool {
		return e.Kind == mqttconn.KindPublish && e.State == mqttconn.StateQueued && string(e.Message.Payload) == "typed while down"
	})
	col2.waitFor(t, first, "acknowledged", publishState(col2.event(first).OutID, mqttconn.StateAcked))
	if m := peer.WaitMessage(t, "out/x", 5*time.Second); string(m.Payload()) != "typed while down" {
		t.Fatalf("peer got %q", m.Payload())
	}
	c2.Close()
	store.Close()
	if _, restored, _ = history.OpenOutbox(path); len(restored) != 0 {
		t.Fatalf("acknowledged message still in the outbox: %v", restored)
	}
}

// TestSessionPresentIsNotResubscribed: after a broker restart that kept our
// session, we do not subscribe again (that would re-send every retained
// message), and messages still flow.
func TestSessionPresentIsNotResubscribed(t *testing.T) {
	dir := t.TempDir()
	b := brokertest.StartMosquitto(t, "persistence true", "persistence_location "+dir+"/", "autosave_interval 1")
	c, col := persistentClient(t, b.URL(), "persistC", nil)
	defer c.Close()
	col.waitFor(t, 0, "subscribed", kind(mqttconn.KindSubscribed))
	b.Stop()
	lost := col.waitFor(t, 0, "lost", kind(mqttconn.KindLost))
	b.Start()
	back := col.waitFor(t, lost, "connected", kind(mqttconn.KindConnected))
	if !col.event(back).SessionPresent {
		t.Fatal("mosquitto did not keep the session")
	}
	rs := col.waitFor(t, back, "resubscribe decision", kind(mqttconn.KindResubscribed))
	if !col.event(rs).SessionPresent {
		t.Fatal("subscribed again although the session was present")
	}
	col.mu.Lock()
	for _, e := range col.events[back:] {
		if e.Kind == mqttconn.KindSubscribed {
			t.Error("sent SUBSCRIBE after a session-present reconnect")
		}
	}
	col.mu.Unlock()
	peer := brokertest.Connect(t, b.URL(), "peer")
	peer.Publish(t, "q/after", 1, false, "still here")
	col.waitFor(t, back, "message", message("q/after"))
}

// TestClientIDInUseIsSuggested: two clients with one id take turns kicking
// each other off; the loss says why.
func TestClientIDInUseIsSuggested(t *testing.T) {
	b := brokertest.StartMosquitto(t)
	cfg := func() mqttconn.Config {
		return mqttconn.Config{Server: b.URL(), ClientID: "twin", MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, ProtocolVersion: testProtocol}
	}
	a, err := mqttconn.New(cfg())
	if err != nil {
		t.Fatal(err)
	}
	col := collect(t, a.Queue())
	a.Start()
	defer a.Close()
	b2, _ := mqttconn.New(cfg())
	col2 := collect(t, b2.Queue())
	b2.Start()
	defer b2.Close()
	col.waitFor(t, 0, "id-in-use hint", func(e mqttconn.Event) bool {
		return e.Kind == mqttconn.KindLost && strings.Contains(e.Err.Error(), "client id is probably in use by another client")
	})
	// They do not fight for ever: one of them stops and says why.
	stopped := func(k *collector) error {
		k.mu.Lock()
		defer k.mu.Unlock()
		for _, e := range k.events {
			if e.Kind == mqttconn.KindConnectFailed && e.Fatal {
				return e.Err
			}
		}
		return nil
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := stopped(col)
		if err == nil {
			err = stopped(col2)
		}
		if err != nil {
			var ce *mqttconn.ConnectError
			if !errors.As(err, &ce) || ce.Reason != mqttconn.ReasonTakeover {
				t.Errorf("stopped with %v", err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the two clients never stopped taking over from each other")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
