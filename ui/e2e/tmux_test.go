package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn/brokertest"
	"mqttchat/ui/sanitize"
)

// tmuxPane is mqttchat running in a real tmux (Debian's 3.3a on CI), in a
// server of its own.
type tmuxPane struct {
	t     *testing.T
	sock  string
	state string // XDG_STATE_HOME: the log is there
}

// needTmux skips without tmux, except on CI, where .ci/run installs it.
func needTmux(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is missing on CI: .ci/run installs it")
		}
		t.Skip("tmux is not installed")
	}
	return path
}

// startTmux runs mqttchat with args in a detached w×h tmux session.
func startTmux(t *testing.T, w, h int, env []string, args ...string) *tmuxPane {
	t.Helper()
	return startWrapped(t, w, h, env, false, args...)
}

// needScreen skips without GNU screen, except on CI, where .ci/run installs it.
func needScreen(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("screen"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("GNU screen is missing on CI: .ci/run installs it")
		}
		t.Skip("GNU screen is not installed")
	}
}

// startWrapped runs mqttchat with args in a detached w×h tmux session,
// inside GNU screen in that session when inScreen is set.
func startWrapped(t *testing.T, w, h int, env []string, inScreen bool, args ...string) *tmuxPane {
	t.Helper()
	needTmux(t)
	dir := t.TempDir()
	bin := trackedBinary(t, dir)
	p := &tmuxPane{t: t, sock: filepath.Join(dir, "tmux.sock"), state: filepath.Join(dir, "state")}
	cmdline := []string{bin}
	if inScreen {
		needScreen(t)
		// screen's sockets in a folder of the test's; it quits, rather
		// than detaching, when tmux goes.
		screens := filepath.Join(dir, "screens")
		rc := filepath.Join(dir, "screenrc")
		if err := os.Mkdir(screens, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(rc, []byte("autodetach off\nstartup_message off\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		env = append(env, "SCREENDIR="+screens)
		cmdline = []string{"screen", "-c", rc, "-S", "term-e2e", bin}
		t.Cleanup(func() {
			cmd := exec.Command("screen", "-S", "term-e2e", "-X", "quit")
			cmd.Env = append(os.Environ(), "SCREENDIR="+screens)
			_ = cmd.Run()
		})
	}
	for _, a := range args {
		cmdline = append(cmdline, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	run := exec.Command("tmux", "-u", "-S", p.sock, "-f", "/dev/null", "new-session", "-d", "-s", "term-e2e",
		"-x", strconv.Itoa(w), "-y", strconv.Itoa(h), strings.Join(cmdline, " "))
	run.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=", "LC_CTYPE=", "NO_COLOR=", "TMUX=",
		"XDG_STATE_HOME="+p.state, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"MQTTCHAT_URL=", "MQTTCHAT_USERNAME=", "MQTTCHAT_PASSWORD=", "MQTTCHAT_CLIENT_ID=", "MQTTCHAT_WIDTH_MODE=")
	run.Env = append(run.Env, env...)
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", p.sock, "kill-server").Run() })
	return p
}

// lines is what the pane shows, one string per row.
func (p *tmuxPane) lines() []string {
	p.t.Helper()
	out, err := exec.Command("tmux", "-S", p.sock, "capture-pane", "-p", "-t", "term-e2e").Output()
	if err != nil {
		p.t.Fatalf("capture-pane: %v", err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
}

// waitFor waits until the pane shows every one of wants.
func (p *tmuxPane) waitFor(wants ...string) []string {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		lines := p.lines()
		text := strings.Join(lines, "\n")
		ok := true
		for _, w := range wants {
			ok = ok && strings.Contains(text, w)
		}
		if ok {
			return lines
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("tmux never showed %q; it shows:\n%s", wants, text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// hostile are the sequences whose width the libraries and the terminals
// disagree on (skin tone, ZWJ, flag, VS16, keycap, ⚌), with CJK and
// combining marks.
var hostile = []string{
	"thumb 👍🏽 x", "family 👨\u200d👩\u200d👧 x", "flag 🇩🇪 x", "heart ❤️ x", "keycap 1️⃣ x",
	"digram ⚌ x", "rainbow 🏳️\u200d🌈 x", "cjk 温度 x", "mark e\u0301 x", "hindi का x",
	"cut " + strings.Repeat("👍🏽 ❤️ ", 30) + "x", // cut to the width with …
}

// layout is where the fixed parts of the screen are: the status bar's first
// line, the composer's row, and the column of the rooms pane's border on
// each row that has one (measured in the cells tmux drew).
type layout struct {
	status   string
	composer int
	border   map[int]int
}

func layoutOf(lines []string) layout {
	l := layout{composer: -1, border: map[int]int{}}
	if len(lines) > 0 {
		l.status = lines[0]
	}
	for i, line := range lines {
		if strings.Contains(line, "type a message") {
			l.composer = i
		}
		if j := strings.LastIndex(line, "│"); j >= 0 {
			// Our text measures the same everywhere, so x/ansi gives the
			// cell tmux drew it in.
			l.border[i] = ansi.StringWidth(line[:j])
		}
	}
	return l
}

// checkLayout compares the screen after the messages with the one before.
func checkLayout(t *testing.T, before, after layout, lines []string) {
	t.Helper()
	if !strings.Contains(after.status, "● connected") {
		t.Errorf("the status bar's first line is gone: %q\n%s", after.status, strings.Join(lines, "\n"))
	}
	if after.composer != before.composer {
		t.Errorf("the composer moved from row %d to %d:\n%s", before.composer, after.composer, strings.Join(lines, "\n"))
	}
	want := -1
	for _, col := range before.border {
		want = col
	}
	for row, col := range after.border {
		if col != want {
			t.Errorf("row %d: the rooms border is at column %d, not %d: %q", row, col, want, lines[row])
		}
	}
}

// TestTmuxKeepsTheFrame: the reproduction of issue 12 through a real tmux
// (3.3a draws 👍🏽 as 4 cells): after each hostile sequence arrives, the
// status bar, the composer and the rooms border stay where they were, at
// 120×35 and at 80×24 (where such rows are cut); and the same in GNU screen
// (4.09 draws 👨‍👩‍👧 as 6 cells) running in tmux.
func TestTmuxKeepsTheFrame(t *testing.T) {
	for _, size := range []struct {
		w, h     int
		inScreen bool
	}{{120, 35, false}, {80, 24, false}, {100, 30, true}} {
		name := strconv.Itoa(size.w) + "x" + strconv.Itoa(size.h)
		if size.inScreen {
			name = "GNU screen in tmux " + name
		}
		t.Run(name, func(t *testing.T) {
			env, tcpAddr, _ := builtinEnv(t)
			p := startWrapped(t, size.w, size.h, env, size.inScreen, "-t", "emo/#")
			before := layoutOf(p.waitFor("● connected", "subscribed to emo/#", "type a message"))
			peer := brokertest.Connect(t, "tcp://"+tcpAddr, "peer")
			for i, msg := range hostile {
				peer.Publish(t, "emo/thumb", 0, false, msg+" "+strconv.Itoa(i))
			}
			lines := p.waitFor("received: "+strconv.Itoa(len(hostile)), "x "+strconv.Itoa(len(hostile)-2), "cut ")
			checkLayout(t, before, layoutOf(lines), lines)
			// The probe found that tmux does not cluster, and said so.
			log, err := os.ReadFile(filepath.Join(p.state, "mqttchat", "mqttchat.log"))
			if err != nil || !strings.Contains(string(log), "text: codepoint mode (probed: the terminal draws 👍🏽 4 cells") {
				t.Errorf("the log does not tell the probe's finding (%v):\n%s", err, log)
			}
			if size.w >= 100 && !strings.Contains(strings.Join(lines, "\n"), `thumb 👍\u1f3fd x 0`) {
				t.Errorf("the skin tone is not shown as an escape:\n%s", strings.Join(lines, "\n"))
			}
		})
	}
}

// TestTmuxDrawsWhatWeMeasure: every probed class, rewritten for a terminal
// that does not cluster, advances tmux's cursor by the width x/ansi (and so
// lipgloss) gives it.
func TestTmuxDrawsWhatWeMeasure(t *testing.T) {
	needTmux(t)
	sock := filepath.Join(t.TempDir(), "tmux.sock")
	cmd := exec.Command("tmux", "-u", "-S", sock, "-f", "/dev/null", "new-session", "-d", "-s", "term-w", "-x", "200", "-y", "5", "cat")
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=", "TMUX=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	defer exec.Command("tmux", "-S", sock, "kill-server").Run()
	tty, err := exec.Command("tmux", "-S", sock, "display", "-p", "-t", "term-w", "#{pane_tty}").Output()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(strings.TrimSpace(string(tty)), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, s := range hostile {
		out := sanitize.Display(s, sanitize.Codepoint)
		if ansi.StringWidth(out) >= 200 {
			continue // would wrap in the 200-column pane
		}
		// Each write ends with a marker, so the cursor is read only once
		// tmux has drawn this sample.
		if _, err := f.WriteString("\x1b[2J\x1b[H" + out + "\x1b]2;" + strconv.Quote(s) + "\x07"); err != nil {
			t.Fatal(err)
		}
		var x int
		deadline := time.Now().Add(20 * time.Second)
		for {
			got, _ := exec.Command("tmux", "-S", sock, "display", "-p", "-t", "term-w", "#{pane_title}\t#{cursor_x}").Output()
			title, cx, _ := strings.Cut(strings.TrimSpace(string(got)), "\t")
			if title == strconv.Quote(s) {
				x, _ = strconv.Atoi(cx)
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("tmux never drew %q", s)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if want := ansi.StringWidth(out); x != want {
			t.Errorf("%q shown as %q: tmux advances %d cells, x/ansi measures %d", s, out, x, want)
		}
	}
}

// TestClusteringTerminalKeepsTheFrame: the same messages in x/vt, which
// clusters: the probe finds it does, the sequences are shown as they are,
// and the frame stays.
func TestClusteringTerminalKeepsTheFrame(t *testing.T) {
	for _, size := range []struct{ w, h int }{{120, 35}, {80, 24}} {
		t.Run(strconv.Itoa(size.w)+"x"+strconv.Itoa(size.h), func(t *testing.T) {
			env, tcpAddr, _ := builtinEnv(t)
			s := start(t, size.w, size.h, env, "-t", "emo/#")
			s.waitFor("● connected", "subscribed to emo/#", "type a message")
			before := layoutOf(strings.Split(s.text(), "\n"))
			peer := brokertest.Connect(t, "tcp://"+tcpAddr, "peer")
			for i, msg := range hostile {
				peer.Publish(t, "emo/thumb", 0, false, msg+" "+strconv.Itoa(i))
			}
			s.waitFor("received: "+strconv.Itoa(len(hostile)), "x "+strconv.Itoa(len(hostile)-2), "cut ")
			lines := strings.Split(s.text(), "\n")
			checkLayout(t, before, layoutOf(lines), lines)
			if size.w == 120 && !strings.Contains(s.text(), "thumb 👍🏽 x 0") {
				t.Errorf("a clustering terminal should get the skin tone as it is:\n%s", s.text())
			}
		})
	}
}

// TestCopyInsideTmux: `y` in the detail view, inside tmux with its default
// options, puts the topic in tmux's paste buffer.
func TestCopyInsideTmux(t *testing.T) {
	env, tcpAddr, _ := builtinEnv(t)
	p := startTmux(t, 100, 30, env, "-t", "copy/#")
	p.waitFor("connected", "subscribed to copy/#")
	topic := "copy/tmux/温度"
	brokertest.Connect(t, "tcp://"+tcpAddr, "peer").Publish(t, topic, 0, false, "hello")
	p.waitFor("◀ copy/tmux/温度 hello")
	for _, keys := range [][]string{{"Tab", "Tab", "Enter"}, {"y"}} {
		if out, err := exec.Command("tmux", append([]string{"-S", p.sock, "send-keys", "-t", "term-e2e"}, keys...)...).CombinedOutput(); err != nil {
			t.Fatalf("send-keys: %v %s", err, out)
		}
		if keys[0] == "Tab" {
			p.waitFor("◀ received · copy/tmux/温度")
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, _ := exec.Command("tmux", "-S", p.sock, "show-buffer").Output()
		if string(got) == topic {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("tmux's paste buffer holds %q, want %q; the pane shows:\n%s", got, topic, strings.Join(p.lines(), "\n"))
		}
		time.Sleep(30 * time.Millisecond)
	}
}
