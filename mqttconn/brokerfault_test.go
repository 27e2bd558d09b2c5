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
		{"5: properties past the packet", 5, 0, []byte{0, 1, 'r', 0x40, 'a', 'b'}, "a malformed PUBLISH from the broker: "},
		{"3.1.1: QoS 3", 4, 3 << 1, []byte{0, 1, 'r', 0, 1, 'x'}, "QoS 3"},
		{"5: QoS 3", 5, 3 << 1, []byte{0, 1, 'r', 0, 1, 0, 'x'}, "QoS 3"},
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

// TestUnreadablePacketIsNotATakeover: a malformed QoS 1 PUBLISH is read by
// the library (paho, paho.golang), which ends the connection itself. Sent
// on every connection, those quick losses are ours, not another client
// taking our id over: the retries go on, and no loss blames the client id.
func TestUnreadablePacketIsNotATakeover(t *testing.T) {
	for _, tc := range []struct {
		name     string
		protocol uint
		body     []byte
	}{
		{"3.1.1", 4, []byte{0, 50, 'x', 0, 1}},
		{"5", 5, []byte{0, 1, 'r', 0, 1, 0x40, 'a'}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := scripted.Start(t, func(c *scripted.Conn) error {
				if err := c.Accept(false); err != nil {
					return err
				}
				if c.Write(scripted.Publish, 1<<1, tc.body) != nil {
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
