package e2e

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds mqttchat once per test run.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mqttchat-e2e")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "mqttchat")
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, ".")...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("build: %v", buildErr)
	}
	return binPath
}

// screen is the binary running in a pseudo-terminal.
type screen struct {
	t     testing.TB
	cmd   *exec.Cmd
	pty   *os.File
	emu   *vt.Emulator
	emuMu sync.Mutex    // vt's SafeEmulator does not guard every reader, so we do
	done  chan struct{} // closed when the program has exited
	read  chan struct{} // closed when everything it wrote has been read
	err   error
	raw   bytes.Buffer
	mu    sync.Mutex
	drop  bool // keep no raw output (long benchmarks)
	// writes counts the program's writes fed to the emulator: a poller
	// reads the screen again only when it moved (rendering it is costly,
	// and a benchmark's poller shares the two cores with the program).
	writes atomic.Uint64
	// onOutput, when set (under mu), sees each piece of output as it is
	// read from the terminal, before the emulator parses it.
	onOutput func([]byte)
}

// keepRaw turns the copy of everything written to the terminal on or off.
func (s *screen) keepRaw(on bool) {
	s.mu.Lock()
	s.drop = !on
	s.raw.Reset()
	s.mu.Unlock()
}

// start runs mqttchat with args in a w×h terminal and the given environment.
func start(t testing.TB, w, h int, env []string, args ...string) *screen {
	t.Helper()
	return startCmd(t, w, h, env, binary(t), args...)
}

// startCmd runs any program (mqttchat under a wrapper) in a w×h terminal.
func startCmd(t testing.TB, w, h int, env []string, prog string, args ...string) *screen {
	t.Helper()
	cmd := exec.Command(prog, args...)
	// Private state and config folders: nothing of this machine's leaks in.
	// A UTF-8 locale, whatever the machine's: under another the text is ASCII.
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=", "LC_CTYPE=", "NO_COLOR=", "XDG_STATE_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(),
		"MQTTCHAT_URL=", "MQTTCHAT_USERNAME=", "MQTTCHAT_PASSWORD=", "MQTTCHAT_CLIENT_ID=")
	cmd.Env = append(cmd.Env, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		t.Fatalf("start in pty: %v", err)
	}
	s := &screen{t: t, cmd: cmd, pty: f, emu: vt.NewEmulator(w, h), done: make(chan struct{}), read: make(chan struct{})}
	go func() { // terminal replies (colour queries, device attributes) go back to the program
		_, _ = io.Copy(f, s.emu)
	}()
	go func() {
		defer close(s.read)
		buf := make([]byte, 32<<10)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				s.mu.Lock()
				if !s.drop {
					s.raw.Write(buf[:n])
				}
				if s.onOutput != nil {
					s.onOutput(buf[:n])
				}
				s.mu.Unlock()
				s.emuMu.Lock()
				_, _ = s.emu.Write(buf[:n])
				s.emuMu.Unlock()
				s.writes.Add(1)
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			_ = cmd.Process.Kill()
			<-s.done
		}
		_ = f.Close()
		// The emulator is not closed: its Close races with the reply pump's
		// Read inside vt; the pump ends with the test binary.
	})
	return s
}

// text is what the screen shows now.
func (s *screen) text() string {
	s.emuMu.Lock()
	defer s.emuMu.Unlock()
	return s.emu.String()
}

// waitFor waits until the screen shows every one of wants.
func (s *screen) waitFor(wants ...string) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		txt := s.text()
		ok := true
		for _, w := range wants {
			if !strings.Contains(txt, w) {
				ok = false
				break
			}
		}
		if ok {
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	s.t.Fatalf("screen never showed %q; it shows:\n%s", wants, s.text())
}

// waitForOrExit waits until the screen shows every one of wants (true) or
// the program has exited (false), whichever comes first.
func (s *screen) waitForOrExit(wants ...string) bool {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return false
		default:
		}
		txt := s.text()
		ok := true
		for _, w := range wants {
			ok = ok && strings.Contains(txt, w)
		}
		if ok {
			return true
		}
		time.Sleep(30 * time.Millisecond)
	}
	s.t.Fatalf("neither exited nor showed %q; the screen shows:\n%s", wants, s.text())
	return false
}

// answerYes answers the question that shows (naming it by text it shows)
// with y, as a person does: after a pause, and again if the screen says it
// came too soon (the question's guard counts from the program's last key,
// which a loaded machine may read later than the test saw the question).
func (s *screen) answerYes(question string) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(600 * time.Millisecond) // past the guard (400 ms) after the question
		s.typeKeys("y")
		for time.Now().Before(deadline) {
			txt := s.text()
			if !strings.Contains(txt, question) {
				return
			}
			if strings.Contains(txt, "too soon after the question appeared") {
				break
			}
			time.Sleep(30 * time.Millisecond)
		}
	}
	s.t.Fatalf("the question %q was not answered by y; the screen shows:\n%s", question, s.text())
}

// pressEsc types Esc and waits until it has been read: until the screen no
// longer shows gone (text of the view Esc closes) and shows every one of
// wants. Waiting only for wants is not enough: they may still show in a
// frame drawn before the Esc (or half of one), and a key typed next would
// then reach the program together with the Esc and be read as Alt+key.
func (s *screen) pressEsc(gone string, wants ...string) {
	s.t.Helper()
	if !strings.Contains(s.text(), gone) {
		// Else the wait below would end at once, and the next key, read
		// together with this Esc, would be an Alt+key.
		s.t.Fatalf("before Esc the screen lacks %q:\n%s", gone, s.text())
	}
	s.typeKeys("\x1b")
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		txt := s.text()
		ok := !strings.Contains(txt, gone)
		for _, w := range wants {
			ok = ok && strings.Contains(txt, w)
		}
		if ok {
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	s.t.Fatalf("after Esc the screen still shows %q or lacks %q:\n%s", gone, wants, s.text())
}

// typeKeys sends bytes as if typed.
func (s *screen) typeKeys(b string) {
	s.t.Helper()
	if _, err := s.pty.Write([]byte(b)); err != nil {
		s.t.Fatalf("type: %v", err)
	}
}

// waitExit waits for the program to end, and for the last bytes it wrote
// to be read from the terminal, and returns its exit status.
func (s *screen) waitExit() int {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.t.Fatalf("program did not exit; screen:\n%s", s.text())
	}
	// The process can be reaped before its final writes are read: the read
	// ends (EIO) only once the terminal's buffer is drained.
	select {
	case <-s.read:
	case <-time.After(5 * time.Second):
		s.t.Fatal("the terminal was not drained 5 s after the program exited")
	}
	var ee *exec.ExitError
	if errors.As(s.err, &ee) {
		return ee.ExitCode()
	}
	if s.err != nil {
		s.t.Fatalf("wait: %v", s.err)
	}
	return 0
}

// rawOutput is every byte the program wrote to the terminal.
func (s *screen) rawOutput() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.raw.Bytes())
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// resize changes the terminal's size, as a window manager would.
func (s *screen) resize(w, h int) {
	s.t.Helper()
	s.emuMu.Lock()
	s.emu.Resize(w, h)
	s.emuMu.Unlock()
	if err := pty.Setsize(s.pty, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)}); err != nil {
		s.t.Fatalf("resize: %v", err)
	}
}
