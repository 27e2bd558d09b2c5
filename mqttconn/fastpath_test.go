package mqttconn_test

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// TestMixedQoSKeepsTheWiresOrder: QoS 0 messages are read by our own
// reader, QoS 1 ones by paho (paho.golang over MQTT 5); a broker that interleaves them on one topic
// gets them delivered in the order it sent them, every one, and the packet
// tap sees each PUBLISH with its topic and size.
func TestMixedQoSKeepsTheWiresOrder(t *testing.T) {
	const n = 3000
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if err := c.Accept(false); err != nil {
			return err
		}
		for i := range n {
			qos := byte(0)
			if i%3 == 0 || i%7 == 0 {
				qos = 1
			}
			body := []byte{0, 7, 'm', 'i', 'x', 'e', 'd', '/', 't'}
			if qos > 0 {
				id := uint16(i%60000 + 1)
				body = append(body, byte(id>>8), byte(id))
			}
			if testProtocol == 5 {
				body = append(body, 0) // no properties
			}
			body = append(body, strconv.Itoa(i)...)
			if err := c.Write(scripted.Publish, qos<<1, body); err != nil {
				return err
			}
		}
		return untilClosed(c)
	})
	var mu sync.Mutex
	var tapped []mqttconn.Packet
	_, col := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) {
		cfg.OnPacket = func(p mqttconn.Packet) {
			if p.Type == mqttconn.TypePublish && !p.Out {
				mu.Lock()
				tapped = append(tapped, p)
				mu.Unlock()
			}
		}
	})
	col.waitFor(t, 0, "every message", func(e mqttconn.Event) bool {
		return e.Kind == mqttconn.KindMessage && string(e.Message.Payload) == strconv.Itoa(n-1)
	})
	next := 0
	for _, e := range col.snapshot() {
		if e.Kind != mqttconn.KindMessage {
			continue
		}
		if got := string(e.Message.Payload); got != strconv.Itoa(next) {
			t.Fatalf("message %d is %q: the order is not the wire's", next, got)
		}
		wantQoS := byte(0)
		if next%3 == 0 || next%7 == 0 {
			wantQoS = 1
		}
		if e.Message.Topic != "mixed/t" || e.Message.QoS != wantQoS || e.Message.Time.IsZero() {
			t.Fatalf("message %d: %+v", next, e.Message)
		}
		next++
	}
	if next != n {
		t.Fatalf("%d messages, want %d", next, n)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		got := len(tapped)
		mu.Unlock()
		if got == n || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(tapped) != n {
		t.Fatalf("the tap saw %d inbound PUBLISH packets, want %d", len(tapped), n)
	}
	for i, p := range tapped {
		if p.Topic != "mixed/t" || p.PayloadLen != len(strconv.Itoa(i)) || string(p.PreviewBytes()) != strconv.Itoa(i) {
			t.Fatalf("tapped packet %d: topic %q, payload %d bytes %q", i, p.Topic, p.PayloadLen, p.PreviewBytes())
		}
	}
}
