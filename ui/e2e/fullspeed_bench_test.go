package e2e

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mqttchat/mqttconn/brokertest"
)

// BenchmarkFullSpeed floods one subscriber at a time at the broker's full
// rate (issue 14): one mosquitto, one fast publisher, and in turn mqttchat
// in tmux (history on), a bare paho subscriber (no screen) and
// `mosquitto_sub -v` in tmux of the same size, alternating rounds
// (A B C A B C …), and reports each one's median time from the first
// publish until it has every message (mqttchat: its status bar says so),
// the ratios, and the CPU each process used (mosquitto, the subscriber,
// tmux), so that a ratio can be checked against where the time went.
// "topics-1" publishes on one topic, "topics-10000" on 10,000 (a sensor
// fleet). MQTTCHAT_BENCH_ROUNDS sets the rounds (default 3),
// MQTTCHAT_BENCH_MESSAGES the flood (default 100,000),
// MQTTCHAT_BENCH_PROFILE=dir writes mqttchat's CPU profiles there,
// MQTTCHAT_BENCH_ENV="NAME=value …" adds to mqttchat's environment (GOGC,
// GOMEMLIMIT).
//
//	go test -run XXX -bench FullSpeed -benchtime 1x -timeout 20m ./ui/e2e
func BenchmarkFullSpeed(b *testing.B) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		b.Skip("no tmux")
	}
	subBin, err := exec.LookPath("mosquitto_sub")
	if err != nil {
		b.Skip("no mosquitto_sub")
	}
	rounds, _ := strconv.Atoi(envOr("MQTTCHAT_BENCH_ROUNDS", "3"))
	n, _ := strconv.Atoi(envOr("MQTTCHAT_BENCH_MESSAGES", "100000"))
	for _, topics := range []int{1, 10000} {
		b.Run(fmt.Sprintf("topics-%d", topics), func(b *testing.B) {
			for b.Loop() {
				fs := &fullSpeed{b: b, tmux: tmux, subBin: subBin, n: n, topics: topics, m: brokertest.StartMosquitto(b)}
				res := map[string][]run{}
				names := []string{"mqttchat", "bare-paho", "mosquitto_sub"}
				for r := range rounds {
					for _, name := range names {
						got := fs.round(name, r)
						res[name] = append(res[name], got)
					}
				}
				med := map[string]run{}
				for _, name := range names {
					med[name] = median(res[name])
					b.Logf("%-14s ms %v  medians: %.0f ms, CPU subscriber %.0f ms, mosquitto %.0f ms, tmux %.0f ms", name,
						msList(res[name]), med[name].ms, med[name].subCPU, med[name].brokerCPU, med[name].tmuxCPU)
					b.ReportMetric(med[name].ms, name+"-ms")
				}
				b.ReportMetric(med["mqttchat"].subCPU, "mqttchat-cpu-ms")
				b.ReportMetric(med["mqttchat"].ms/med["bare-paho"].ms, "x-paho")
				b.ReportMetric(med["mqttchat"].ms/med["mosquitto_sub"].ms, "x-mosquitto_sub")
			}
		})
	}
}

// run is one subscriber's round: wall time and CPU milliseconds.
type run struct{ ms, subCPU, brokerCPU, tmuxCPU float64 }

// median is the run with the median time, each field its own median.
func median(rs []run) run {
	pick := func(f func(run) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return run{pick(func(r run) float64 { return r.ms }), pick(func(r run) float64 { return r.subCPU }),
		pick(func(r run) float64 { return r.brokerCPU }), pick(func(r run) float64 { return r.tmuxCPU })}
}

func msList(rs []run) []int {
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = int(r.ms)
	}
	return out
}

// fullSpeed is one broker and the subscribers taking turns at it.
type fullSpeed struct {
	b            *testing.B
	tmux, subBin string
	n, topics    int
	m            *brokertest.Mosquitto
	sock         string
	tmuxPid      int
	host, port   string
}

// tmuxRun runs a tmux command on the benchmark's own server.
func (fs *fullSpeed) tmuxRun(args ...string) ([]byte, error) {
	return exec.Command(fs.tmux, append([]string{"-S", fs.sock}, args...)...).CombinedOutput()
}

// inTmux starts cmdline in a fresh 120×36 tmux server and returns the pid
// of the program in its pane.
func (fs *fullSpeed) inTmux(cmdline string) int {
	b := fs.b
	fs.sock = filepath.Join(b.TempDir(), "tmux.sock")
	if out, err := fs.tmuxRun("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "36", cmdline); err != nil {
		b.Fatalf("tmux: %v %s", err, out)
	}
	out, err := fs.tmuxRun("display", "-p", "#{pid} #{pane_pid}")
	if err != nil {
		b.Fatalf("tmux: %v %s", err, out)
	}
	sock := fs.sock
	b.Cleanup(func() { _ = exec.Command(fs.tmux, "-S", sock, "kill-server").Run() }) // also when the benchmark fails
	f := strings.Fields(string(out))
	fs.tmuxPid, _ = strconv.Atoi(f[0])
	pid, _ := strconv.Atoi(f[1])
	return pid
}

// round runs one subscriber through one flood.
func (fs *fullSpeed) round(name string, r int) run {
	b := fs.b
	fs.host, fs.port, _ = strings.Cut(fs.m.Addr(), ":")
	var wait func() bool // blocks until the subscriber has everything
	pid := 0
	cleanup := func() {}
	cpuOf := cpuTime
	switch name {
	case "mqttchat":
		state, conf := b.TempDir(), b.TempDir()
		out := filepath.Join(b.TempDir(), "out")
		prof := ""
		if dir := os.Getenv("MQTTCHAT_BENCH_PROFILE"); dir != "" {
			prof = filepath.Join(dir, fmt.Sprintf("fullspeed-%d-topics-round-%d.pprof", fs.topics, r))
		}
		pid = fs.inTmux(fmt.Sprintf("env XDG_STATE_HOME=%s XDG_CONFIG_HOME=%s LANG=C.UTF-8 MQTTCHAT_CPUPROFILE=%s %s %s -h %s -p %s -t flood/# --no-mouse",
			state, conf, prof, os.Getenv("MQTTCHAT_BENCH_ENV"), binary(b), fs.host, fs.port))
		fs.waitPane("subscribed to flood/#")
		pid = childNamed(pid, "mqttchat")
		if o, err := fs.tmuxRun("pipe-pane", "-O", "cat > "+out); err != nil {
			b.Fatalf("pipe-pane: %v %s", err, o)
		}
		want := []byte(fmt.Sprintf("received: %d", fs.n))
		wait = func() bool { return waitInFile(out, want, 2*time.Minute) }
		cleanup = func() {
			_, _ = fs.tmuxRun("send-keys", "C-c")
			waitGone(pid, 10*time.Second)
			if got := historyCount(b, state, "flood/"); got != fs.n {
				b.Errorf("round %d: the history holds %d of %d", r, got, fs.n)
			}
		}
	case "mosquitto_sub":
		doneFile := filepath.Join(b.TempDir(), "done")
		pid = fs.inTmux(fmt.Sprintf("%s -h %s -p %s -t 'flood/#' -v -C %d; touch %s; sleep 60", fs.subBin, fs.host, fs.port, fs.n, doneFile))
		time.Sleep(time.Second) // mosquitto_sub says nothing when subscribed
		wait = func() bool { return waitFile(doneFile, 2*time.Minute) }
		// The pane's shell runs mosquitto_sub as a child and waits for it,
		// so the shell's children's CPU time is mosquitto_sub's once done.
		cpuOf = cpuWithChildren
	case "bare-paho":
		cmd := exec.Command(barePaho(b), "-url", fs.m.URL(), "-t", "flood/#", "-n", strconv.Itoa(fs.n), "-i", fmt.Sprintf("bare-%d-%d", fs.topics, r))
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		line := make([]byte, 6)
		if _, err := io.ReadFull(stdout, line); err != nil || string(line) != "ready\n" {
			b.Fatalf("barepaho: %q %v", line, err)
		}
		pid = cmd.Process.Pid
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		wait = func() bool { // "done": all counted (it then disconnects, unmeasured)
			_, err := io.ReadFull(stdout, line[:5])
			return err == nil && string(line[:5]) == "done\n"
		}
		cleanup = func() {
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
			}
		}
	}
	cpu0, bcpu0 := cpuOf(b, pid), cpuTime(b, fs.m.Pid())
	var tcpu0 time.Duration
	if name != "bare-paho" {
		tcpu0 = cpuTime(b, fs.tmuxPid)
	}
	pub := floodPublisher(b, fs.m.URL())
	t0 := time.Now()
	go fs.publish(pub)
	if !wait() {
		b.Fatalf("%s round %d: not all %d messages arrived", name, r, fs.n)
	}
	took := time.Since(t0)
	res := run{ms: float64(took.Microseconds()) / 1000,
		subCPU:    float64((cpuOf(b, pid) - cpu0).Milliseconds()),
		brokerCPU: float64((cpuTime(b, fs.m.Pid()) - bcpu0).Milliseconds())}
	if name != "bare-paho" {
		res.tmuxCPU = float64((cpuTime(b, fs.tmuxPid) - tcpu0).Milliseconds())
	}
	pub.Disconnect(100)
	cleanup()
	if name != "bare-paho" {
		_, _ = fs.tmuxRun("kill-server")
	}
	time.Sleep(300 * time.Millisecond) // let the broker forget the client
	b.Logf("round %d %s: %.0f ms (CPU: it %.0f ms, mosquitto %.0f ms, tmux %.0f ms)", r, name, res.ms, res.subCPU, res.brokerCPU, res.tmuxCPU)
	return res
}

// publish floods n QoS 0 messages of 64 bytes, spread over the topics, as
// fast as paho takes them (one payload and prepared topics: the publisher
// spends its CPU on sending).
func (fs *fullSpeed) publish(pub paho.Client) {
	names := make([]string, fs.topics)
	for i := range names {
		names[i] = "flood/x"
		if fs.topics > 1 {
			names[i] = fmt.Sprintf("flood/sensor/%d", i)
		}
	}
	p := bytes.Repeat([]byte("abcdefgh"), 8)
	var last paho.Token
	for i := range fs.n {
		last = pub.Publish(names[i%len(names)], 0, false, p)
	}
	last.WaitTimeout(time.Minute)
}

// childNamed is pid, or its first child, whichever runs the program named.
func childNamed(pid int, name string) int {
	if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil && strings.TrimSpace(string(comm)) == name {
		return pid
	}
	if kids, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid)); err == nil {
		for _, k := range strings.Fields(string(kids)) {
			if c, _ := strconv.Atoi(k); c > 0 {
				return childNamed(c, name)
			}
		}
	}
	return pid
}

// waitPane waits until the tmux pane shows text.
func (fs *fullSpeed) waitPane(text string) {
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, _ := fs.tmuxRun("capture-pane", "-p")
		if strings.Contains(string(out), text) {
			return
		}
		if time.Now().After(deadline) {
			fs.b.Fatalf("tmux never showed %q:\n%s", text, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitInFile waits until a growing file holds want, reading only what is new.
func waitInFile(path string, want []byte, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	var off int64
	var carry []byte
	buf := make([]byte, 1<<20)
	for time.Now().Before(deadline) {
		f, err := os.Open(path)
		if err == nil {
			for {
				k, _ := f.ReadAt(buf, off)
				if k == 0 {
					break
				}
				off += int64(k)
				chunk := append(carry, buf[:k]...)
				if bytes.Contains(chunk, want) {
					f.Close()
					return true
				}
				carry = append([]byte(nil), chunk[max(0, len(chunk)-len(want)):]...)
			}
			f.Close()
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

// waitFile waits until a file exists.
func waitFile(path string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

var (
	bareOnce sync.Once
	barePath string
	bareErr  error
)

// barePaho builds the reference subscriber (./barepaho) once.
func barePaho(tb testing.TB) string {
	tb.Helper()
	bareOnce.Do(func() {
		dir, err := os.MkdirTemp("", "barepaho")
		if err != nil {
			bareErr = err
			return
		}
		barePath = filepath.Join(dir, "barepaho")
		_, file, _, _ := runtime.Caller(0)
		cmd := exec.Command("go", "build", "-o", barePath, ".")
		cmd.Dir = filepath.Join(filepath.Dir(file), "barepaho")
		if out, err := cmd.CombinedOutput(); err != nil {
			bareErr = fmt.Errorf("%v: %s", err, out)
		}
	})
	if bareErr != nil {
		tb.Fatalf("build barepaho: %v", bareErr)
	}
	return barePath
}

// waitGone waits until a process has exited.
func waitGone(pid int, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}
