package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mqttchat/history"
	"mqttchat/mqttconn/brokertest"
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

// bareSubscriber counts messages with a plain paho client, the reference.
type bareSubscriber struct {
	n    atomic.Int64
	done chan time.Time
}

func newBareSubscriber(tb testing.TB, url, filter string, want int64) *bareSubscriber {
	s := &bareSubscriber{done: make(chan time.Time, 1)}
	opts := paho.NewClientOptions().AddBroker(url).SetClientID("bare").SetProtocolVersion(4).
		SetDefaultPublishHandler(func(paho.Client, paho.Message) {
			if s.n.Add(1) == want {
				s.done <- time.Now()
			}
		})
	c := paho.NewClient(opts)
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		tb.Fatalf("bare subscriber: %v", tok.Error())
	}
	tb.Cleanup(func() { c.Disconnect(100) })
	if tok := c.Subscribe(filter, 0, nil); !tok.WaitTimeout(10 * time.Second) {
		tb.Fatal("bare subscriber: no SUBACK")
	}
	return s
}

// screenShows waits until the screen holds text and returns when it saw it.
func (s *screen) screenShows(text string, timeout time.Duration) (time.Time, bool) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if strings.Contains(s.text(), text) {
			return time.Now(), true
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

// BenchmarkFlood publishes 100,000 QoS 0 messages of 64 bytes through a real
// mosquitto into mqttchat running in a pseudo-terminal, a bare paho
// subscriber and mosquitto_sub -C, all in the same run, and reports the
// time from the first publish until each has all of them (for mqttchat:
// until the screen's counter shows them), then checks that none was
// dropped by the ingest queue and that the history holds all of them.
//
//	go test -run XXX -bench Flood -benchtime 1x ./ui/e2e
func BenchmarkFlood(b *testing.B) {
	const n = 100000
	for b.Loop() {
		m := brokertest.StartMosquitto(b)
		host, port, _ := strings.Cut(m.Addr(), ":")
		state := b.TempDir()
		s := start(b, 200, 50, []string{"XDG_STATE_HOME=" + state}, "-h", host, "-p", port, "-t", "flood/#", "--no-mouse")
		s.waitFor("● connected", "subscribed to flood/#")
		bare := newBareSubscriber(b, m.URL(), "flood/#", n)
		subBin, err := exec.LookPath("mosquitto_sub")
		if err != nil {
			b.Skip("no mosquitto_sub")
		}
		sub := exec.Command(subBin, "-h", host, "-p", port, "-t", "flood/#", "-C", strconv.Itoa(n), "-q", "0")
		sub.Stdout, sub.Stderr = nil, nil
		if err := sub.Start(); err != nil {
			b.Fatal(err)
		}
		subDone := make(chan time.Time, 1)
		go func() { sub.Wait(); subDone <- time.Now() }()
		time.Sleep(time.Second) // let mosquitto_sub subscribe

		pub := floodPublisher(b, m.URL())
		t0 := time.Now()
		go flood(pub, "flood/x", n, 64, nil)
		seen, ok := s.screenShows(fmt.Sprintf("received: %d", n), 120*time.Second)
		if !ok {
			b.Fatalf("the counter never reached %d:\n%s", n, s.text())
		}
		var tp, tm time.Time
		select {
		case tp = <-bare.done:
		case <-time.After(60 * time.Second):
			b.Fatalf("bare paho got %d", bare.n.Load())
		}
		select {
		case tm = <-subDone:
		case <-time.After(60 * time.Second):
			b.Fatal("mosquitto_sub did not finish")
		}
		screen := s.text()
		if strings.Contains(screen, "not shown") {
			b.Errorf("the display dropped messages:\n%s", screen)
		}
		s.typeKeys("\x03")
		s.waitExit()
		if got := historyCount(b, state, "flood/"); got != n {
			b.Errorf("the history holds %d of %d messages", got, n)
		}
		ms := func(t time.Time) float64 { return float64(t.Sub(t0).Microseconds()) / 1000 }
		b.ReportMetric(ms(seen), "mqttchat-ms")
		b.ReportMetric(ms(tp), "bare-paho-ms")
		b.ReportMetric(ms(tm), "mosquitto_sub-ms")
		b.ReportMetric(ms(seen)/ms(tp), "x-paho")
	}
}
