package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"mqttchat/history"
	"mqttchat/mqttconn/brokertest/scripted"
)

// TestInvalidUTF8TopicShownSanitized: a broker that sends a topic that is
// not valid UTF-8 (MQTT-1.5.3-1 says a client closes the connection; we
// decided to keep it, see mqttconn's package doc) gets its message shown
// with the bad bytes as visible hex, and recorded byte-exact (topic_b64)
// in a history that stays valid UTF-8; the connection stays up.
func TestInvalidUTF8TopicShownSanitized(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		const bad = "bad/\xff\xfe/t"
		b := scripted.Start(t, func(c *scripted.Conn) error {
			if err := c.Accept(false); err != nil {
				return err
			}
			p, err := c.Expect(scripted.Subscribe, scripted.Wait)
			if err != nil {
				return err
			}
			id := p.ID()
			suback := []byte{byte(id >> 8), byte(id), 0}
			publish := append([]byte{0, byte(len(bad))}, bad...)
			if c.Level == 5 { // an empty property list in both
				suback = []byte{byte(id >> 8), byte(id), 0, 0}
				publish = append(publish, 0)
			}
			if err := c.Write(scripted.Suback, 0, suback); err != nil {
				return err
			}
			if err := c.Write(scripted.Publish, 0, append(publish, "hello from a bad topic"...)); err != nil {
				return err
			}
			for { // keep the connection: it must not be closed by the client
				p, err := c.Read(10 * time.Second)
				if err != nil {
					return nil
				}
				if p.Type == scripted.Pingreq {
					_ = c.Write(scripted.Pingresp, 0, nil)
				}
			}
		})
		state := t.TempDir()
		s := p.start(t, 120, 30, []string{"XDG_STATE_HOME=" + state}, "-L", b.URL()+"/bad/%23", "--no-mouse")
		s.waitFor(`bad/\xff\xfe/t`, "hello from a bad topic", "● connected")
		s.typeKeys("\x03")
		s.waitExit()
		if b.Connections() != 1 {
			t.Errorf("%d connections: the client closed on the topic", b.Connections())
		}
		segs, _ := filepath.Glob(filepath.Join(state, "mqttchat", "history", "*", "seg-*.jsonl"))
		if len(segs) == 0 {
			t.Fatal("no history segment")
		}
		found := false
		for _, seg := range segs {
			data, err := os.ReadFile(seg)
			if err != nil {
				t.Fatal(err)
			}
			if !utf8.Valid(data) {
				t.Errorf("%s is not valid UTF-8", seg)
			}
			found = found || bytes.Contains(data, []byte(`"topic_b64":`))
		}
		if !found {
			t.Error("no topic_b64 in the history")
		}
		dirs, _ := filepath.Glob(filepath.Join(state, "mqttchat", "history", "*"))
		n := 0
		if _, err := history.Scan(dirs, func(r history.Record) bool {
			if r.Dir == history.DirIn && r.Topic == bad {
				n++
			}
			return true
		}); err != nil || n != 1 {
			t.Errorf("the history holds %d messages on the raw topic (%v)", n, err)
		}
	})
}
