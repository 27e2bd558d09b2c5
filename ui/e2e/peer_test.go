package e2e

import (
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// persistentPeer is another client with a persistent session, so that its
// subscription survives a broker restart.
type persistentPeer struct {
	mu   sync.Mutex
	msgs []paho.Message
}

func connectPersistentPeer(t *testing.T, url string) *persistentPeer {
	t.Helper()
	p := &persistentPeer{}
	opts := paho.NewClientOptions().AddBroker(url).SetClientID("persistent-peer").SetProtocolVersion(4).
		SetCleanSession(false).SetAutoReconnect(true).SetConnectRetry(true).
		SetMaxReconnectInterval(500 * time.Millisecond).SetConnectRetryInterval(200 * time.Millisecond).
		SetDefaultPublishHandler(func(_ paho.Client, m paho.Message) {
			p.mu.Lock()
			p.msgs = append(p.msgs, m)
			p.mu.Unlock()
		})
	c := paho.NewClient(opts)
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("peer: %v", tok.Error())
	}
	if tok := c.Subscribe("room", 2, nil); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("peer subscribe: %v", tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return p
}

// waitPayload waits for payload on topic, delivered at qos.
func (p *persistentPeer) waitPayload(t *testing.T, topic, payload string, qos byte) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		for _, m := range p.msgs {
			if m.Topic() == topic && string(m.Payload()) == payload {
				p.mu.Unlock()
				if m.Qos() != qos {
					t.Fatalf("%q arrived at QoS %d, want %d", payload, m.Qos(), qos)
				}
				return
			}
		}
		p.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("peer never got %q", payload)
}

// has reports whether any message carried payload.
func (p *persistentPeer) has(payload string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range p.msgs {
		if string(m.Payload()) == payload {
			return true
		}
	}
	return false
}
