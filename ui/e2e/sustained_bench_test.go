package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"mqttchat/history"
	"mqttchat/mqttconn/brokertest"
)

var receivedRe = regexp.MustCompile(`received: (\d+)`)

// BenchmarkSustained sends 20,000 messages a second for 60 s (set
// MQTTCHAT_SUSTAINED_SECONDS for a shorter run) into mqttchat in a
// pseudo-terminal and reports: the 99th percentile from a message's publish
// to the frame whose counter includes it; the same for a typed key to its
// echo; the CPU used per second; and whether the connection ever dropped.
//
//	go test -run XXX -bench Sustained -benchtime 1x -timeout 5m ./ui/e2e
func BenchmarkSustained(b *testing.B) {
	const rate = 20000
	seconds := 60
	if v, err := strconv.Atoi(envOr("MQTTCHAT_SUSTAINED_SECONDS", "")); err == nil && v > 0 {
		seconds = v
	}
	n := rate * seconds
	for b.Loop() {
		m := brokertest.StartMosquitto(b)
		host, port, _ := strings.Cut(m.Addr(), ":")
		s := start(b, 200, 50, []string{"XDG_STATE_HOME=" + b.TempDir()}, "-h", host, "-p", port, "-t", "load/#", "--no-mouse")
		s.keepRaw(false)
		s.waitFor("● connected", "subscribed to load/#")
		pub := floodPublisher(b, m.URL())

		published := make([]time.Time, n)
		var mu sync.Mutex
		var frameLat []time.Duration
		// The same, measured when the frame is written to the terminal
		// (read from it, before any emulator parses it).
		var writtenLat, keyWrittenLat []time.Duration
		typedAt := map[string]time.Time{}
		lastWritten := 0
		var carry []byte
		s.mu.Lock()
		s.onOutput = func(b []byte) {
			now := time.Now()
			text := ansi.Strip(string(append(carry, b...)))
			carry = append(carry[:0], b[max(0, len(b)-256):]...)
			mu.Lock()
			defer mu.Unlock()
			for _, mm := range receivedRe.FindAllStringSubmatch(text, -1) {
				if got, _ := strconv.Atoi(mm[1]); got > lastWritten && got <= n {
					if t := published[got-1]; !t.IsZero() {
						writtenLat = append(writtenLat, now.Sub(t))
					}
					lastWritten = got
				}
			}
			for word, t := range typedAt {
				if strings.Contains(text, "┃ "+word) {
					keyWrittenLat = append(keyWrittenLat, now.Sub(t))
					delete(typedAt, word)
				}
			}
		}
		s.mu.Unlock()
		stop := make(chan struct{})
		var watch sync.WaitGroup
		watch.Add(1)
		go func() { // the counter on screen, as often as the terminal shows it
			defer watch.Done()
			last := 0
			seen := ^uint64(0)
			for {
				select {
				case <-stop:
					return
				default:
				}
				w := s.writes.Load()
				if w == seen { // nothing new on the screen
					time.Sleep(time.Millisecond)
					continue
				}
				seen = w
				if mm := receivedRe.FindStringSubmatch(s.text()); mm != nil {
					if got, _ := strconv.Atoi(mm[1]); got > last && got <= n {
						mu.Lock()
						if t := published[got-1]; !t.IsZero() {
							frameLat = append(frameLat, time.Since(t))
						}
						mu.Unlock()
						last = got
					}
				}
				time.Sleep(time.Millisecond)
			}
		}()

		cpu0, wall0 := cpuTime(b, s.cmd.Process.Pid), time.Now()
		var keyLat []time.Duration
		go func() { // keys typed meanwhile, twice a second
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(500 * time.Millisecond):
				}
				word := fmt.Sprintf("k%d", i)
				t := time.Now()
				mu.Lock()
				typedAt[word] = t
				mu.Unlock()
				s.typeKeys(word)
				if _, ok := s.screenShows("┃ "+word, 10*time.Second); ok {
					mu.Lock()
					keyLat = append(keyLat, time.Since(t))
					mu.Unlock()
				}
				s.typeKeys(strings.Repeat("\x7f", len(word)))
			}
		}()

		tick := time.NewTicker(time.Millisecond)
		perTick := rate / 1000
		startAt := time.Now()
		for i := 0; i < n; {
			<-tick.C
			due := min(int(time.Since(startAt)*rate/time.Second), n)
			for ; i < due; i++ {
				mu.Lock()
				published[i] = time.Now()
				mu.Unlock()
				pub.Publish("load/x", 0, false, strconv.Itoa(i)+" 0123456789012345678901234567890123456789012345678901234")
			}
			_ = perTick
		}
		tick.Stop()
		sentIn := time.Since(startAt)
		if _, ok := s.screenShows(fmt.Sprintf("received: %d", n), 60*time.Second); !ok {
			b.Errorf("the counter never reached %d", n)
		}
		close(stop)
		watch.Wait()
		cpu := cpuTime(b, s.cmd.Process.Pid) - cpu0
		wall := time.Since(wall0)
		if strings.Contains(s.text(), "connection lost") {
			b.Error("the connection dropped under load")
		}
		s.typeKeys("\x03")
		s.waitExit()

		mu.Lock()
		slices.Sort(frameLat)
		slices.Sort(keyLat)
		b.ReportMetric(float64(n)/sentIn.Seconds(), "msg/s-sent")
		b.ReportMetric(float64(percentile(frameLat, 0.99).Microseconds())/1000, "p99-frame-ms")
		b.ReportMetric(float64(percentile(frameLat, 0.50).Microseconds())/1000, "p50-frame-ms")
		b.ReportMetric(float64(percentile(keyLat, 0.99).Microseconds())/1000, "p99-key-ms")
		slices.Sort(writtenLat)
		slices.Sort(keyWrittenLat)
		b.ReportMetric(float64(percentile(writtenLat, 0.99).Microseconds())/1000, "p99-written-ms")
		b.ReportMetric(float64(percentile(writtenLat, 0.50).Microseconds())/1000, "p50-written-ms")
		b.ReportMetric(float64(percentile(keyWrittenLat, 0.99).Microseconds())/1000, "p99-key-written-ms")
		b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cores")
		b.ReportMetric(float64(len(frameLat)), "frames-seen")
		mu.Unlock()
	}
}

// BenchmarkMemory sends 1,000,000 messages of 200 bytes and reports
// mqttchat's resident memory with the default caps, then checks the history
// holds all of them.
//
//	go test -run XXX -bench Memory -benchtime 1x -timeout 10m ./ui/e2e
func BenchmarkMemory(b *testing.B) {
	n := 1000000
	if v, err := strconv.Atoi(envOr("MQTTCHAT_MEMORY_MESSAGES", "")); err == nil && v > 0 {
		n = v
	}
	for b.Loop() {
		m := brokertest.StartMosquitto(b)
		host, port, _ := strings.Cut(m.Addr(), ":")
		state := b.TempDir()
		s := start(b, 200, 50, []string{"XDG_STATE_HOME=" + state}, "-h", host, "-p", port, "-t", "mem/#", "--no-mouse")
		s.keepRaw(false)
		s.waitFor("● connected", "subscribed to mem/#")
		pub := floodPublisher(b, m.URL())
		t0 := time.Now()
		flood(pub, "mem/x", n, 200, nil)
		if _, ok := s.screenShows(fmt.Sprintf("received: %d", n), 10*time.Minute); !ok {
			b.Fatalf("the counter never reached %d:\n%s", n, s.text())
		}
		took := time.Since(t0)
		time.Sleep(2 * time.Second) // let the writer drain and the GC settle
		rss := rssMiB(b, s.cmd.Process.Pid)
		s.typeKeys("\x03")
		s.waitExit()
		if got := historyCount(b, state, "mem/"); got != n {
			b.Errorf("the history holds %d of %d", got, n)
		}
		b.ReportMetric(rss, "RSS-MiB")
		b.ReportMetric(float64(n)/took.Seconds(), "msg/s")
	}
}

// BenchmarkStartWithBigHistory measures the start with 1 GiB of history for
// the broker, until the first frame shows the replayed messages, and then
// the CPU used while idle for 20 s.
//
//	go test -run XXX -bench StartWithBigHistory -benchtime 1x ./ui/e2e
func BenchmarkStartWithBigHistory(b *testing.B) {
	for b.Loop() {
		m := brokertest.StartMosquitto(b)
		host, port, _ := strings.Cut(m.Addr(), ":")
		state := b.TempDir()
		b.Setenv("XDG_STATE_HOME", state)
		dir, err := history.BrokerDir("tcp://" + m.Addr())
		if err != nil {
			b.Fatal(err)
		}
		makeHistory(b, dir, 1<<30)
		b.ReportMetric(float64(dirSize(b, dir))/(1<<30), "GiB-held")
		binary(b) // built before the clock starts
		t0 := time.Now()
		s := start(b, 200, 50, []string{"XDG_STATE_HOME=" + state, "MQTTCHAT_CPUPROFILE=" + os.Getenv("MQTTCHAT_BENCH_PROFILE")}, "-h", host, "-p", port, "-t", "x", "--no-mouse")
		first, ok := s.screenShows("earlier: 500 messages from history", 30*time.Second)
		if !ok {
			b.Fatalf("no replay:\n%s", s.text())
		}
		s.waitFor("● connected")
		time.Sleep(time.Second)
		cpu0 := cpuTime(b, s.cmd.Process.Pid)
		const idleFor = 20 * time.Second
		time.Sleep(idleFor)
		idle := cpuTime(b, s.cmd.Process.Pid) - cpu0
		s.typeKeys("\x03")
		s.waitExit()
		if log, err := os.ReadFile(filepath.Join(state, "mqttchat", "mqttchat.log")); err == nil {
			b.Logf("log:\n%s", log)
		}
		b.ReportMetric(float64(first.Sub(t0).Microseconds())/1000, "first-frame-ms")
		b.ReportMetric(100*idle.Seconds()/idleFor.Seconds(), "idle-cpu-%-vt-harness")
		if pct, ok := idleUnderTmux(b, state, host, port, idleFor); ok {
			b.ReportMetric(pct, "idle-cpu-%-tmux")
		}
	}
}

// idleUnderTmux runs mqttchat in a real terminal (tmux) and measures the CPU
// it uses while idle; ok is false without tmux.
func idleUnderTmux(b *testing.B, state, host, port string, idleFor time.Duration) (float64, bool) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		return 0, false
	}
	sock := filepath.Join(b.TempDir(), "tmux.sock")
	run := func(args ...string) ([]byte, error) {
		return exec.Command(tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
	}
	cmdline := fmt.Sprintf("env XDG_STATE_HOME=%s %s -h %s -p %s -t x --no-mouse", state, binary(b), host, port)
	if out, err := run("new-session", "-d", "-x", "200", "-y", "50", cmdline); err != nil {
		b.Logf("tmux: %v %s", err, out)
		return 0, false
	}
	defer run("kill-server")
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, _ := run("capture-pane", "-p")
		if strings.Contains(string(out), "● connected") {
			break
		}
		if time.Now().After(deadline) {
			b.Logf("tmux: never connected:\n%s", out)
			return 0, false
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, err := run("list-panes", "-F", "#{pane_pid}")
	if err != nil {
		return 0, false
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	time.Sleep(time.Second)
	c0 := cpuTime(b, pid)
	time.Sleep(idleFor)
	return 100 * (cpuTime(b, pid) - c0).Seconds() / idleFor.Seconds(), true
}

// dirSize adds up the sizes of a folder's files.
func dirSize(tb testing.TB, dir string) int64 {
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var total int64
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			total += info.Size()
		}
	}
	return total
}
