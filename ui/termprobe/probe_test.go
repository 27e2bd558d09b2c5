package termprobe

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
	"go.uber.org/goleak"

	"mqttchat/ui/sanitize"
)

// TestMain fails the package's tests if any goroutine outlives them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseReplies(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		cols []int
		da1  bool
	}{
		{"reports then attributes", "\x1b[3;5R\x1b[3;2R\x1b[?62;22c", []int{5, 2}, true},
		{"keys typed meanwhile", "ab\x1b[A\x1b[12;9Rq\x1b[?1;2c", []int{9}, true},
		{"stops at attributes", "\x1b[?6c\x1b[1;3R", nil, true},
		{"no attributes yet", "\x1b[1;3R\x1b[1;", []int{3}, false},
		{"attributes without ? are not DA1", "\x1b[0c", nil, false},
		{"nothing", "", nil, false},
		{"bad report", "\x1b[x;3R\x1b[1;0R", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := parseReplies([]byte(tt.in))
			if r.da1 != tt.da1 || len(r.columns) != len(tt.cols) {
				t.Fatalf("got %+v, want columns %v da1 %v", r, tt.cols, tt.da1)
			}
			for i := range tt.cols {
				if r.columns[i] != tt.cols[i] {
					t.Fatalf("got %+v, want columns %v", r, tt.cols)
				}
			}
		})
	}
}

func TestUTF8Locale(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"LANG": "en_US.UTF-8"}, true},
		{map[string]string{"LANG": "C.utf8"}, true},
		{map[string]string{"LANG": "C"}, false},
		{map[string]string{}, false},
		{map[string]string{"LC_ALL": "C", "LANG": "en_US.UTF-8"}, false},
		{map[string]string{"LC_CTYPE": "de_DE.UTF-8", "LANG": "C"}, true},
		{map[string]string{"LANG": "de_DE.ISO-8859-1"}, false},
	} {
		if got := UTF8Locale(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("%v: UTF8Locale = %v, want %v", tt.env, got, tt.want)
		}
	}
	for term, want := range map[string]bool{"dumb": false, "": false, "xterm-256color": true, "tmux-256color": true, "screen": true} {
		if got := CanPosition(term); got != want {
			t.Errorf("CanPosition(%q) = %v", term, got)
		}
	}
}

// fakeTerminal answers what it is asked on the master side of a pty: cursor
// reports from width(sample) and, unless silent, device attributes.
type fakeTerminal struct {
	width  func(string) int
	silent bool
	da1    bool
}

func (f fakeTerminal) serve(master *os.File, done <-chan struct{}) {
	var buf []byte
	chunk := make([]byte, 1024)
	col := 1
	for {
		n, err := master.Read(chunk)
		buf = append(buf, chunk[:n]...)
		for {
			i := bytes.IndexByte(buf, '\x1b')
			if i < 0 {
				col += f.width(string(buf))
				buf = buf[:0]
				break
			}
			col += f.width(string(bytes.ReplaceAll(buf[:i], []byte("\r"), nil)))
			if bytes.HasPrefix(buf[i:], []byte(ansi.RequestCursorPositionReport)) {
				if !f.silent {
					_, _ = master.WriteString("\x1b[1;" + itoa(col) + "R")
				}
				buf = buf[i+len(ansi.RequestCursorPositionReport):]
				col = 1
				continue
			}
			if bytes.HasPrefix(buf[i:], []byte(ansi.RequestPrimaryDeviceAttributes)) {
				if f.da1 {
					_, _ = master.WriteString("\x1b[?62;22c")
				}
				buf = buf[i+len(ansi.RequestPrimaryDeviceAttributes):]
				continue
			}
			if len(buf[i:]) < 4 {
				break
			}
			buf = buf[i+1:]
		}
		if err != nil {
			return
		}
		select {
		case <-done:
			return
		default:
		}
	}
}

func itoa(n int) string {
	var b [8]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// probeWith runs Probe on a pty whose other side is serve.
func probeWith(t *testing.T, serve func(master *os.File)) (Result, error) {
	t.Helper()
	t.Setenv("TERM", "xterm-256color")
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); serve(master) }()
	res, perr := Probe(tty, tty, 2*time.Second)
	_ = tty.Close()
	_ = master.Close()
	wg.Wait()
	return res, perr
}

func TestProbe(t *testing.T) {
	for _, tt := range []struct {
		name     string
		term     fakeTerminal
		answered bool
		mode     sanitize.Mode
		drawn    []int
	}{
		{"tmux 3.3a (code point sums, ZWJ joined)", fakeTerminal{width: tmuxWidth, da1: true}, true, sanitize.Codepoint, []int{4, 1, 2, 2}},
		{"clustering terminal", fakeTerminal{width: ansi.StringWidth, da1: true}, true, sanitize.Grapheme, []int{2, 2, 2, 2}},
		{"answers attributes only", fakeTerminal{width: ansi.StringWidth, silent: true, da1: true}, true, sanitize.Codepoint, []int{-1, -1, -1, -1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			defer close(done)
			res, err := probeWith(t, func(m *os.File) { tt.term.serve(m, done) })
			if err != nil {
				t.Fatal(err)
			}
			if res.Answered != tt.answered || res.Mode() != tt.mode {
				t.Fatalf("answered %v mode %v (%s), want %v %v", res.Answered, res.Mode(), res, tt.answered, tt.mode)
			}
			for i, s := range res.Samples {
				if s.Drawn != tt.drawn[i] {
					t.Errorf("%s drawn %d, want %d", s.Text, s.Drawn, tt.drawn[i])
				}
			}
		})
	}
}

// tmuxWidth is how tmux 3.3a advances (sanitize's table): code point sums,
// with what follows a ZWJ joined to the cell before.
func tmuxWidth(s string) int {
	n, joined := 0, false
	for _, r := range s {
		if !joined {
			n += sanitize.CodepointWidth(string(r))
		}
		joined = r == 0x200d
	}
	return n
}

// TestProbeXVT: x/vt, a clustering emulator, answers the probe itself.
func TestProbeXVT(t *testing.T) {
	emu := vt.NewEmulator(80, 5)
	res, err := probeWith(t, func(m *os.File) {
		go func() { _, _ = io.Copy(m, emu) }() // replies
		_, _ = io.Copy(emu, m)
		// Ends the reply pump; emu.Close would race with its Read inside vt.
		_ = emu.InputPipe().(io.Closer).Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Clusters() || res.Mode() != sanitize.Grapheme {
		t.Fatalf("x/vt: %s, mode %v", res, res.Mode())
	}
}

// TestProbeSilent: a terminal that answers nothing ends the probe at the
// timeout, found not to answer.
func TestProbeSilent(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	defer tty.Close()
	go func() { _, _ = io.Copy(io.Discard, master) }()
	res, err := Probe(tty, tty, 100*time.Millisecond)
	if err != nil || res.Answered || res.Mode() != sanitize.Codepoint {
		t.Fatalf("silent terminal: %+v, %v", res, err)
	}
}

// TestProbeRefuses: nothing is written where there is no terminal or it
// cannot position the cursor.
func TestProbeRefuses(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if _, err := Probe(r, w, time.Second); !errors.Is(err, ErrNotTerminal) {
		t.Errorf("pipe: %v", err)
	}
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	defer tty.Close()
	t.Setenv("TERM", "dumb")
	if _, err := Probe(tty, tty, time.Second); err == nil {
		t.Error("TERM=dumb was probed")
	}
}
