package mqttconn_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// TestQoS2RecordedAcrossAReconnectIsAnswered (MQTT 3.1.1, persistent
// session): a QoS 2 message whose recording ends after its connection did
// never gets its PUBREC from paho (paho drops an ack for a finished
// connection: paho.mqtt.golang issue 726). The broker sends it again with
// DUP on the next connection; that copy is not shown again, and it must
// be answered with PUBREC all the same, or the broker holds the message,
// and everything queued behind it, for ever.
func TestQoS2RecordedAcrossAReconnectIsAnswered(t *testing.T) {
	for _, tc := range []struct {
		name string
		// recordAfterReconnect: the recording ends once the next
		// connection is up (and its redelivery seen); otherwise while
		// there is no connection at all.
		recordAfterReconnect bool
	}{
		{"recorded while disconnected", false},
		{"recorded after the reconnect", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			received := make(chan func(), 1)
			gate := make(chan struct{})
			done := make(chan error, 1)
			b := scripted.Start(t, func(c *scripted.Conn) error {
				switch c.N {
				case 1:
					if err := c.Accept(false); err != nil {
						return err
					}
					if err := c.SendPublish("in/q", 2, false, 9, []byte("late")); err != nil {
						return err
					}
					select { // the client has it; then the connection ends
					case ack := <-received:
						received <- ack
					case <-time.After(scripted.Wait):
						return fmt.Errorf("the message never reached the sink")
					}
					return nil
				case 2:
					if !tc.recordAfterReconnect {
						<-gate
					}
					if err := c.Accept(true); err != nil {
						return err
					}
					if err := c.SendPublish("in/q", 2, true, 9, []byte("late")); err != nil {
						return err
					}
					err := func() error {
						p, err := c.Expect(scripted.Pubrec, 10*time.Second)
						if err != nil {
							return err
						}
						if p.ID() != 9 {
							return fmt.Errorf("PUBREC for %d, want 9", p.ID())
						}
						if err := c.Ack(scripted.Pubrel, 9); err != nil {
							return err
						}
						_, err = c.Expect(scripted.Pubcomp, scripted.Wait)
						return err
					}()
					done <- err
					if err != nil {
						return err
					}
					return untilClosed(c)
				}
				return untilClosed(c)
			})
			readRedelivery := make(chan struct{}) // closed once the client has read the DUP PUBLISH
			var once sync.Once
			_, col := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) {
				cfg.PersistentSession = true
				cfg.OnPacket = func(p mqttconn.Packet) {
					if !p.Out && p.Type == mqttconn.TypePublish && p.Dup() {
						once.Do(func() { close(readRedelivery) })
					}
				}
				cfg.Sink = func(ev mqttconn.Event, ack func()) {
					if ev.Kind == mqttconn.KindMessage && ack != nil {
						received <- ack // recorded later, by the test
					}
				}
			})
			col.waitFor(t, 0, "the connection lost", kind(mqttconn.KindLost))
			ack := <-received
			if tc.recordAfterReconnect {
				col.waitFor(t, 0, "connected again", func(e mqttconn.Event) bool {
					return e.Kind == mqttconn.KindConnected && e.SessionPresent
				})
				select { // the client reads the redelivery first, then it is recorded
				case <-readRedelivery:
				case <-time.After(scripted.Wait):
					t.Fatal("the client never read the redelivery")
				}
				ack()
			} else {
				ack()
				close(gate)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the redelivered message was never answered")
			}
			select {
			case again := <-received:
				again()
				t.Fatal("the redelivered copy reached the sink again")
			default:
			}
			col.mu.Lock()
			defer col.mu.Unlock()
			n := 0
			for _, ev := range col.events {
				if ev.Kind == mqttconn.KindMessage {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("the message was shown %d times, want once", n)
			}
		})
	}
}

// heldStore is an in-memory mqttconn.HeldStore.
type heldStore struct {
	mu    sync.Mutex
	saved []uint16
}

func (*heldStore) Add(uint64, mqttconn.Message) error { return nil }
func (*heldStore) Done(uint64) error                  { return nil }
func (s *heldStore) SaveHeld(ids []uint16) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saved = slices.Clone(ids)
	return nil
}

// TestHeldQoS2IDsSurviveARestart (-c): a QoS 2 message recorded in one
// run whose PUBREL never came is, when the broker sends it again to the
// next run, answered with PUBREC and not shown a second time; a message
// whose recording never ended is left out, and is shown again.
func TestHeldQoS2IDsSurviveARestart(t *testing.T) {
	phase2 := make(chan error, 1)
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if err := c.Accept(c.N > 1); err != nil {
			return err
		}
		if c.N == 1 {
			c.SendPublish("in/q", 2, false, 9, []byte("kept"))
			if _, err := c.Expect(scripted.Pubrec, scripted.Wait); err != nil {
				return err
			}
			c.SendPublish("in/q", 2, false, 10, []byte("unrecorded"))
			return untilClosed(c) // no PUBREL: the first run quits first
		}
		err := func() error {
			c.SendPublish("in/q", 2, true, 9, []byte("kept"))
			if p, err := c.Expect(scripted.Pubrec, scripted.Wait); err != nil || p.ID() != 9 {
				return fmt.Errorf("PUBREC for the redelivered message: %v, id %d", err, p.ID())
			}
			c.SendPublish("in/q", 2, true, 10, []byte("unrecorded"))
			if p, err := c.Expect(scripted.Pubrec, scripted.Wait); err != nil || p.ID() != 10 {
				return fmt.Errorf("PUBREC for the unrecorded message: %v, id %d", err, p.ID())
			}
			return nil
		}()
		phase2 <- err
		return untilClosed(c)
	})
	store := &heldStore{}
	first := func(ev mqttconn.Event, ack func()) {
		if ev.Kind == mqttconn.KindMessage && string(ev.Message.Payload) == "kept" {
			ack() // recorded; "unrecorded" never is
		}
	}
	c1, col1 := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) {
		cfg.PersistentSession, cfg.Outbox, cfg.Sink = true, store, first
	})
	col1.waitFor(t, 0, "the second message", func(e mqttconn.Event) bool {
		return e.Kind == mqttconn.KindMessage && string(e.Message.Payload) == "unrecorded"
	})
	c1.Close()
	store.mu.Lock()
	saved := slices.Clone(store.saved)
	store.mu.Unlock()
	if !slices.Equal(saved, []uint16{9}) {
		t.Fatalf("saved %v at close, want [9]", saved)
	}
	_, col2 := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) {
		cfg.PersistentSession, cfg.Outbox, cfg.RestoredHeld = true, &heldStore{}, saved
		cfg.Sink = func(_ mqttconn.Event, ack func()) {
			if ack != nil {
				ack()
			}
		}
	})
	if err := <-phase2; err != nil {
		t.Fatal(err)
	}
	col2.waitFor(t, 0, "the unrecorded message again", func(e mqttconn.Event) bool {
		return e.Kind == mqttconn.KindMessage && string(e.Message.Payload) == "unrecorded"
	})
	col2.mu.Lock()
	defer col2.mu.Unlock()
	for _, ev := range col2.events {
		if ev.Kind == mqttconn.KindMessage && string(ev.Message.Payload) == "kept" {
			t.Fatal("the message recorded by the first run was shown again")
		}
	}
}
