package e2e

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mqttchat/mqttconn/brokertest"
)

// BenchmarkQoS1Backlog measures QoS 1 at full rate from a persistent
// session's queue at the broker (issue 14): a subscriber's session is made
// and left, n QoS 1 messages are queued for it, and the time from starting
// the subscriber again until it has them all is compared, in alternating
// rounds, from the connection on, between mqttchat -c (history on: it acknowledges a message only
// once the history has it) in tmux and a bare paho subscriber with paho's
// auto-ack. mosquitto keeps 20 messages in flight to a subscriber, so the
// throughput is about 20 ÷ the acknowledgement latency, which is reported
// from it. MQTTCHAT_BENCH_ROUNDS (default 3), MQTTCHAT_BENCH_MESSAGES
// (default 20,000).
//
//	go test -run XXX -bench QoS1Backlog -benchtime 1x -timeout 20m ./ui/e2e
func BenchmarkQoS1Backlog(b *testing.B) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		b.Skip("no tmux")
	}
	rounds, _ := strconv.Atoi(envOr("MQTTCHAT_BENCH_ROUNDS", "3"))
	n, _ := strconv.Atoi(envOr("MQTTCHAT_BENCH_MESSAGES", "20000"))
	for b.Loop() {
		m := brokertest.StartMosquitto(b)
		fs := &fullSpeed{b: b, tmux: tmux, n: n, m: m}
		fs.host, fs.port, _ = strings.Cut(m.Addr(), ":")
		state, conf := b.TempDir(), b.TempDir()
		goFile := filepath.Join(b.TempDir(), "go")
		chat := func(r int) string { // started once goFile exists, so that the pane's output is piped from the start
			return fmt.Sprintf("while [ ! -e %s ]; do sleep 0.01; done; exec env XDG_STATE_HOME=%s XDG_CONFIG_HOME=%s LANG=C.UTF-8 %s -h %s -p %s -c -i chatbacklog -q 1 -t backlog/chat --no-mouse",
				goFile, state, conf, binary(b), fs.host, fs.port)
		}
		bare := func(count int) *exec.Cmd {
			return exec.Command(barePaho(b), "-url", m.URL(), "-t", "backlog/bare", "-q", "1", "-c", "-i", "barebacklog", "-n", strconv.Itoa(count))
		}
		// Make both sessions, then leave them.
		touch(b, goFile)
		pid := fs.inTmux(chat(0))
		fs.waitPane("subscribed to backlog/chat")
		_, _ = fs.tmuxRun("send-keys", "C-c")
		waitGone(childNamed(pid, "mqttchat"), 10*time.Second)
		_, _ = fs.tmuxRun("kill-server")
		if out, err := bare(0).CombinedOutput(); err != nil {
			b.Fatalf("barepaho: %v %s", err, out)
		}
		pub := floodPublisher(b, m.URL())
		var chatMs, bareMs []float64
		for r := range rounds {
			queue(b, pub, "backlog/chat", n)
			// mqttchat
			_ = os.Remove(goFile)
			pid := fs.inTmux(chat(r))
			out := filepath.Join(b.TempDir(), "out")
			if o, err := fs.tmuxRun("pipe-pane", "-O", "cat > "+out); err != nil {
				b.Fatalf("pipe-pane: %v %s", err, o)
			}
			touch(b, goFile)
			start := time.Now()
			// From the connection on (the start of a process is not what is
			// measured): the timeline says "connected".
			if !waitInFile(out, []byte("connected"), time.Minute) {
				b.Fatalf("round %d: mqttchat never connected", r)
			}
			t0 := time.Now()
			startup := t0.Sub(start)
			if !waitInFile(out, []byte(fmt.Sprintf("received: %d", n)), 2*time.Minute) {
				pane, _ := fs.tmuxRun("capture-pane", "-p")
				b.Fatalf("round %d: mqttchat never received %d:\n%s", r, n, pane)
			}
			took := time.Since(t0)
			chatMs = append(chatMs, float64(took.Milliseconds()))
			time.Sleep(time.Second) // the last acknowledgements go out before quitting
			_, _ = fs.tmuxRun("send-keys", "C-c")
			waitGone(childNamed(pid, "mqttchat"), 10*time.Second)
			_, _ = fs.tmuxRun("kill-server")
			b.Logf("round %d mqttchat: %d ms from connected (start to connected %d ms)", r, took.Milliseconds(), startup.Milliseconds())
			// bare paho
			queue(b, pub, "backlog/bare", n)

			cmd := bare(n)
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			line := make([]byte, 6) // "ready": connected and subscribed (the session's queue may already flow)
			if _, err := io.ReadFull(stdout, line); err != nil {
				b.Fatalf("barepaho: %v", err)
			}
			t0 = time.Now()
			if _, err := io.ReadFull(stdout, make([]byte, 5)); err != nil { // "done"
				b.Fatalf("barepaho: %v", err)
			}
			took = time.Since(t0)
			_, _ = io.Copy(io.Discard, stdout)
			if err := cmd.Wait(); err != nil {
				b.Fatalf("barepaho: %v", err)
			}
			bareMs = append(bareMs, float64(took.Milliseconds()))
			b.Logf("round %d bare paho: %d ms", r, took.Milliseconds())
		}
		c, p := medianOf(chatMs), medianOf(bareMs)
		b.ReportMetric(c, "mqttchat-ms")
		b.ReportMetric(p, "bare-paho-ms")
		b.ReportMetric(float64(n)/c*1000, "mqttchat-msg/s")
		b.ReportMetric(float64(n)/p*1000, "bare-paho-msg/s")
		b.ReportMetric(20*c/float64(n), "mqttchat-ack-latency-ms")
		b.ReportMetric(20*p/float64(n), "bare-paho-ack-latency-ms")
		b.ReportMetric(c/p, "x-paho")
	}

}

// queue publishes n QoS 1 messages of 64 bytes for the absent sessions.
func queue(b *testing.B, pub paho.Client, topic string, n int) {
	p := strings.Repeat("abcdefgh", 8)
	var last paho.Token
	for i := range n {
		last = pub.Publish(topic, 1, false, p)
		if i%1000 == 999 {
			last.WaitTimeout(time.Minute)
		}
	}
	if !last.WaitTimeout(time.Minute) {
		b.Fatal("the queue was not published")
	}
}

// touch makes an empty file.
func touch(b *testing.B, path string) {
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		b.Fatal(err)
	}
}

// medianOf is the median of v.
func medianOf(v []float64) float64 {
	s := append([]float64(nil), v...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
