package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mqttchat/history"
)

// floodPublisher connects a publisher; its publish method sends n QoS 0
// messages of size bytes to topic as fast as paho takes them.
func floodPublisher(tb testing.TB, url string) paho.Client {
	tb.Helper()
	opts := paho.NewClientOptions().AddBroker(url).SetClientID("flooder").SetProtocolVersion(4).SetWriteTimeout(30 * time.Second)
	c := paho.NewClient(opts)
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		tb.Fatalf("publisher: %v", tok.Error())
	}
	tb.Cleanup(func() { c.Disconnect(500) })
	return c
}

// flood publishes n messages as fast as paho takes them; stamp may write
// into each payload.
func flood(c paho.Client, topic string, n, size int, stamp func(i int, p []byte)) {
	var last paho.Token
	for i := range n {
		p := make([]byte, size)
		for j := range p {
			p[j] = 'a' + byte(j%26)
		}
		if stamp != nil {
			stamp(i, p)
		}
		last = c.Publish(topic, 0, false, p)
	}
	last.WaitTimeout(60 * time.Second)
}

// screenShows waits until the screen holds text and returns when it saw it.
func (s *screen) screenShows(text string, timeout time.Duration) (time.Time, bool) {
	deadline := time.Now().Add(timeout)
	seen := ^uint64(0)
	for time.Now().Before(deadline) {
		if w := s.writes.Load(); w != seen { // the screen moved: read it
			seen = w
			if strings.Contains(s.text(), text) {
				return time.Now(), true
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return time.Time{}, false
}

// historyCount counts the recorded messages on topics under prefix.
func historyCount(tb testing.TB, stateHome, prefix string) int {
	tb.Helper()
	dirs, err := filepath.Glob(filepath.Join(stateHome, "mqttchat", "history", "*"))
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	if _, err := history.Scan(dirs, func(r history.Record) bool {
		if r.Dir == history.DirIn && strings.HasPrefix(r.Topic, prefix) {
			n++
		}
		return true
	}); err != nil {
		tb.Fatal(err)
	}
	return n
}

// The flood against a bare paho subscriber and mosquitto_sub is
// BenchmarkFullSpeed (fullspeed_bench_test.go): one subscriber at a time,
// so that the broker is not what is measured.
