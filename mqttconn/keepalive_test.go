package mqttconn_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// TestKeepAliveTimeoutInWords: a broker that stops answering (it reads
// PINGREQ and never sends PINGRESP, as a frozen broker does) makes paho,
// over both protocols, close the connection; the loss says so in words
// (a KeepAliveError), not "connection closed by the client". A broker that
// answers its pings and then closes is not taken for one. One that keeps
// sending messages but never a PINGRESP is said to be ahead of us.
func TestKeepAliveTimeoutInWords(t *testing.T) {
	silent := func(c *scripted.Conn) error {
		if err := c.Accept(false); err != nil {
			return err
		}
		for {
			if _, err := c.Read(10 * time.Second); err != nil {
				return nil // closed by the client
			}
		}
	}
	answersThenCloses := func(c *scripted.Conn) error {
		if err := c.Accept(false); err != nil {
			return err
		}
		for { // later connections too, until the test ends them
			p, err := c.Read(10 * time.Second)
			if err != nil {
				return nil
			}
			if p.Type == scripted.Pingreq {
				return c.Write(scripted.Pingresp, 0, nil) // then the script ends: the broker closes
			}
		}
	}
	// busy sends QoS 0 messages all along and never a PINGRESP: as a
	// PINGRESP queued behind a backlog the connection cannot carry in time.
	busy := func(v5 bool) func(c *scripted.Conn) error {
		return func(c *scripted.Conn) error {
			if err := c.Accept(false); err != nil {
				return err
			}
			go func() {
				for {
					if _, err := c.Read(10 * time.Second); err != nil {
						return
					}
				}
			}()
			body := []byte{0, 6, 'b', 'u', 's', 'y', '/', 't'}
			if v5 {
				body = append(body, 0) // no properties
			}
			body = append(body, 'x')
			for {
				if err := c.Write(scripted.Publish, 0, body); err != nil {
					return nil
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
	tests := []struct {
		name     string
		protocol uint
		script   func(c *scripted.Conn) error
		timeout  bool
		behind   bool
	}{
		{"3.1.1 silent", 4, silent, true, false},
		{"5 silent", 5, silent, true, false},
		{"3.1.1 answers then closes", 4, answersThenCloses, false, false},
		{"5 answers then closes", 5, answersThenCloses, false, false},
		{"3.1.1 messages but no PINGRESP", 4, busy(false), true, true},
		{"5 messages but no PINGRESP", 5, busy(true), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := scripted.Start(t, tt.script)
			_, col := scriptedClient(t, b.URL(), func(cfg *mqttconn.Config) {
				cfg.ProtocolVersion, cfg.KeepAlive = tt.protocol, time.Second
			})
			var err error
			col.waitFor(t, 0, "lost", func(e mqttconn.Event) bool {
				if e.Kind == mqttconn.KindLost {
					err = e.Err
				}
				return e.Kind == mqttconn.KindLost
			})
			var ka *mqttconn.KeepAliveError
			if got := errors.As(err, &ka); got != tt.timeout {
				t.Fatalf("keep-alive timeout %v, want %v: %v", got, tt.timeout, err)
			}
			if !tt.timeout {
				if strings.Contains(err.Error(), "stopped answering") {
					t.Fatalf("a broker that answered: %v", err)
				}
				return
			}
			if ka.KeepAlive != time.Second || ka.Waited < 900*time.Millisecond {
				t.Fatalf("keep-alive %v, waited %v", ka.KeepAlive, ka.Waited)
			}
			if ka.Behind != tt.behind {
				t.Fatalf("behind %v, want %v: %v", ka.Behind, tt.behind, err)
			}
			want := "the broker stopped answering: no PINGRESP to our PINGREQ for "
			if tt.behind {
				want = "no PINGRESP to our PINGREQ for "
				if !strings.Contains(err.Error(), " while messages kept arriving: the connection is that far behind the broker ") {
					t.Fatalf("in words: %q", err)
				}
			}
			if msg := err.Error(); !strings.HasPrefix(msg, want) ||
				!strings.HasSuffix(msg, " (keep-alive 1 s)") || strings.Contains(msg, "closed by the client") {
				t.Fatalf("in words: %q", msg)
			}
		})
	}
}
