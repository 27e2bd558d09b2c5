package mqttconn_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// TestMalformedPublishKeepsTheWill: a broker that sends a malformed QoS 0
// PUBLISH (our own reader reads those), or one of QoS 3, on every
// connection. The client
// never answers with a normal DISCONNECT, which would have the broker
// discard its Will: over MQTT 5 it sends DISCONNECT 0x81 (malformed
// packet), over 3.1.1 (whose DISCONNECT is always the normal one) it
// closes. Each loss names the fault, and the repeated drops are not taken
// for another client with our id: the retries go on.
func TestMalformedPublishKeepsTheWill(t *testing.T) {
	for _, tc := range []struct {
		name     string
		protocol uint
		flags    byte
		body     []byte // the PUBLISH's body
		says     string
	}{
		{"3.1.1: topic longer than the packet", 4, 0, []byte{0, 50, 'x'}, "a topic of 50 bytes in a packet of 3"},
		{"5: properties past the packet", 5, 0, []byte{0, 1, 'r', 0x40, 'a', 'b'}, "properties of 64 bytes in a packet of 6"},
		{"3.1.1: QoS 3", 4, 3 << 1, []byte{0, 1, 'r', 0, 1, 'x'}, "QoS 3"},
		{"5: QoS 3", 5, 3 << 1, []byte{0, 1, 'r', 0, 1, 0, 'x'}, "QoS 3"},
		// QoS 1 and 2 go to the library, checked first (malformedPublish).
		{"3.1.1: QoS 1, no room for the packet id", 4, 1 << 1, []byte{0, 2, 'x', 'y', 0}, "a topic of 2 bytes and a packet id in a packet of 5"},
		{"3.1.1: QoS 2, topic longer than the packet", 4, 2 << 1, []byte{0, 50, 'x', 0, 1}, "a topic of 50 bytes and a packet id in a packet of 5"},
		{"5: QoS 1, an unknown property", 5, 1 << 1, []byte{0, 1, 'r', 0, 1, 1, 'a'}, "its properties: invalid Prop type 97"},
		{"5: QoS 2, properties past the packet", 5, 2 << 1, []byte{0, 1, 'r', 0, 1, 5, 1}, "properties of 5 bytes in a packet of 7"},
		{"5: QoS 1, a property cut short", 5, 1 << 1, []byte{0, 1, 'r', 0, 1, 1, 1}, "its properties: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var seen []scripted.Packet // what the client sent after the bad PUBLISH
			b := scripted.Start(t, func(c *scripted.Conn) error {
				if err := c.Accept(false); err != nil {
					return err
				}
				if c.Write(scripted.Publish, tc.flags, tc.body) != nil {
					return nil // the client left first: the test ended during this connection
				}
				for {
					p, err := c.Read(scripted.Wait)
					if err != nil {
						return nil // closed by the client
					}
					mu.Lock()
					seen = append(seen, p)
					mu.Unlock()
				}
			})
			_, col := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) {
				cfg.ProtocolVersion, cfg.TakeoverLimit = tc.protocol, 2
				cfg.Will = &mqttconn.Will{Topic: "will/t", Payload: []byte("gone")}
			})
			for i, e := range col.waitN(t, 4, "lost", kind(mqttconn.KindLost)) {
				var pe *mqttconn.ProtocolError
				if !errors.As(e.Err, &pe) || !strings.Contains(e.Err.Error(), "a malformed PUBLISH from the broker") || !strings.Contains(e.Err.Error(), tc.says) {
					t.Errorf("loss %d: %v, want the malformed PUBLISH named", i+1, e.Err)
				}
				if e.Fatal {
					t.Errorf("loss %d stopped the retries: %v", i+1, e.Err)
				}
			}
			// The scripts read on after the client's loss: wait for what they saw.
			deadline := time.Now().Add(10 * time.Second)
			for {
				mu.Lock()
				disconnects := 0
				for _, p := range seen {
					if p.Type != scripted.Disconnect {
						continue
					}
					disconnects++
					if tc.protocol != 5 || len(p.Body) == 0 || p.Body[0] != 0x81 {
						t.Fatalf("DISCONNECT %x over protocol %d: the broker would drop the Will", p.Body, tc.protocol)
					}
				}
				mu.Unlock()
				if tc.protocol != 5 || disconnects >= 4 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d DISCONNECT 0x81 in 4 connections", disconnects)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// TestUnreadablePacketIsNotATakeover: a PUBREL without its packet id is
// read by the library (paho, paho.golang), which ends the connection
// itself ("connection closed by the client": the library's words are not
// ours to read in time). Sent
// on every connection, those quick losses are ours, not another client
// taking our id over: the retries go on, and no loss blames the client id.
func TestUnreadablePacketIsNotATakeover(t *testing.T) {
	for _, tc := range []struct {
		name     string
		protocol uint
	}{
		{"3.1.1", 4},
		{"5", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := scripted.Start(t, func(c *scripted.Conn) error {
				if err := c.Accept(false); err != nil {
					return err
				}
				if c.Write(scripted.Pubrel, 1<<1, nil) != nil {
					return nil // the client left first: the test ended during this connection
				}
				return untilClosed(c)
			})
			_, col := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) {
				cfg.ProtocolVersion, cfg.TakeoverLimit = tc.protocol, 2
			})
			for i, e := range col.waitN(t, 4, "lost", kind(mqttconn.KindLost)) {
				if e.Fatal || strings.Contains(e.Err.Error(), "client id") {
					t.Errorf("loss %d taken for a take-over: %v (fatal %v)", i+1, e.Err, e.Fatal)
				}
			}
		})
	}
}
