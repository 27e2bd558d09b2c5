package mqttconn_test

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"mqttchat/history"
	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// strictClient publishes n QoS 2 messages "s0"… before it starts, so that
// they all wait for the first connection.
func strictClient(t *testing.T, url string, n int, extra func(*mqttconn.Config)) (*mqttconn.Client, *collector) {
	t.Helper()
	cfg := mqttconn.Config{Server: url, ClientID: "strict", PersistentSession: true, ProtocolVersion: testProtocol,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, ConnectTimeout: testConnectTimeout}
	if extra != nil {
		extra(&cfg)
	}
	c, err := mqttconn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := c.Publish(mqttconn.Message{Topic: "s/x", QoS: 2, Payload: fmt.Appendf(nil, "s%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	col := collect(t, c.Queue())
	c.Start()
	t.Cleanup(c.Close)
	return c, col
}

// exactlyOnce checks that s0 … s(n-1) were each delivered once, that the
// broker saw no violation and holds nothing, and that the outbox is empty.
func exactlyOnce(t *testing.T, s *scripted.Strict, c *mqttconn.Client, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		d := s.Delivered()
		done := c.Pending() == 0 && s.Held() == 0
		for i := range n {
			done = done && d[fmt.Sprintf("s%d", i)] > 0
		}
		if done || time.Now().After(deadline) {
			for i := range n {
				if k := d[fmt.Sprintf("s%d", i)]; k != 1 {
					t.Errorf("s%d delivered %d times", i, k)
				}
			}
			if c.Pending() != 0 || s.Held() != 0 {
				t.Errorf("%d pending at the client, %d ids held by the broker", c.Pending(), s.Held())
			}
			for _, err := range s.Errors() {
				t.Error(err)
			}
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestWindowKeepsWithinTheBrokersQuota: 30 QoS 2 messages queued before the
// connection; a broker that takes 20 in flight and silently drops the rest
// still delivers all 30, each once.
func TestWindowKeepsWithinTheBrokersQuota(t *testing.T) {
	s := &scripted.Strict{Quota: 20}
	b := scripted.Start(t, s.Script)
	c, _ := strictClient(t, b.URL(), 30, func(cfg *mqttconn.Config) { cfg.PersistentSession = false })
	exactlyOnce(t, s, c, 30)
}

// TestResendKeepsPacketIDsAndDUP: connections cut in the middle of QoS 2
// handshakes. In the kept session each message goes again with its packet
// id and DUP set, or with PUBREL once its PUBREC came; the broker delivers
// each exactly once and is left holding nothing.
func TestResendKeepsPacketIDsAndDUP(t *testing.T) {
	s := &scripted.Strict{Cut: func(typ byte, conn, publishes int) bool {
		switch conn {
		case 1:
			return typ == scripted.Pubrec && publishes == 4 // the 4th PUBLISH is held, its PUBREC never sent
		case 2:
			return typ == scripted.Pubcomp // a PUBREL came, its PUBCOMP never sent
		}
		return false
	}}
	b := scripted.Start(t, s.Script)
	c, col := strictClient(t, b.URL(), 10, nil)
	exactlyOnce(t, s, c, 10)
	if b.Connections() < 3 {
		t.Errorf("%d connections: the cuts did not happen", b.Connections())
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	for _, ev := range col.events {
		if ev.Kind == mqttconn.KindPublish && ev.State == mqttconn.StateFailed {
			t.Errorf("message %d failed: %v", ev.OutID, ev.Err)
		}
	}
}

// TestPacketIDsSurviveARestart: mqttchat stops with QoS 2 messages in
// flight (one released by PUBREC, one not); the next run takes them from
// the disk outbox and finishes them under the same ids.
func TestPacketIDsSurviveARestart(t *testing.T) {
	s := &scripted.Strict{}
	var cutting atomic.Bool
	cutting.Store(true)
	s.Cut = func(typ byte, conn, publishes int) bool {
		// The first run: PUBRECs for s0 and s1, then the connection dies before the PUBCOMP of s0.
		return cutting.Load() && (typ == scripted.Pubcomp || (typ == scripted.Pubrec && publishes > 2))
	}
	b := scripted.Start(t, s.Script)
	path := filepath.Join(t.TempDir(), "x.outbox")
	store, _, err := history.OpenOutbox(path)
	if err != nil {
		t.Fatal(err)
	}
	c1, col := strictClient(t, b.URL(), 3, func(cfg *mqttconn.Config) { cfg.Outbox = store; cfg.MaxBackoff = time.Hour; cfg.MinBackoff = time.Hour })
	col.waitFor(t, 0, "lost", kind(mqttconn.KindLost))
	c1.Close()
	store.Close()

	cutting.Store(false)
	store, restored, err := history.OpenOutbox(path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if len(restored) != 3 {
		t.Fatalf("%d restored, want 3", len(restored))
	}
	c2, _ := strictClient(t, b.URL(), 0, func(cfg *mqttconn.Config) {
		cfg.Outbox, cfg.Restored, cfg.RestoredInFlight = store, restored, store.RestoredInFlight()
	})
	exactlyOnce(t, s, c2, 3)
}
