package clipboard

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTmux answers as a tmux with these options would, and records what
// was loaded into its buffer.
type fakeTmux struct {
	load        error  // load-buffer's result
	client      string // display-message's answer
	options     map[string]string
	unreachable bool
	loaded      string
}

func (f *fakeTmux) run(stdin string, args ...string) (string, error) {
	if f.unreachable {
		return "", errors.New("exec: \"tmux\": executable file not found in $PATH")
	}
	switch args[0] {
	case "load-buffer":
		if f.load == nil {
			f.loaded = stdin
		}
		return "", f.load
	case "display-message":
		return f.client + "\n", nil
	case "show-options":
		v, ok := f.options[args[len(args)-1]]
		if !ok {
			return "", errors.New("invalid option")
		}
		return v + "\n", nil
	}
	return "", errors.New("unexpected " + args[0])
}

func TestCopy(t *testing.T) {
	old := errors.New("tmux load-buffer: unknown flag -w")
	for _, tc := range []struct {
		name   string
		env    Env
		tmux   *fakeTmux
		text   string
		wrote  string // prefix of what reached the terminal; "" nothing
		loaded bool   // tmux's buffer got the text
		notice string
		err    string
	}{
		{name: "plain terminal", env: Env{TERM: "xterm-256color"}, text: "hi", wrote: "\x1b]52;c;aGk=\x07",
			notice: "copied 2 bytes (payload) to the terminal's clipboard — OSC 52; the terminal does not confirm"},
		{name: "GNU screen", env: Env{STY: "123.pts-0", TERM: "screen"}, text: "hi", wrote: "\x1bP\x1b]52;c;aGk=",
			notice: "sent 2 bytes (payload) through GNU screen"},
		{name: "tmux with a clipboard-capable client", env: Env{TMUX: "/tmp/s,1,0"}, text: "hi",
			tmux:   &fakeTmux{client: "xterm-256color\t256,clipboard,focus"},
			loaded: true, notice: "copied 2 bytes (payload) to tmux's paste buffer and passed them to your terminal's clipboard through tmux"},
		{name: "tmux, terminal without OSC 52", env: Env{TMUX: "/tmp/s,1,0"}, text: "hi",
			tmux:   &fakeTmux{client: "vt100\t256,focus"},
			loaded: true, notice: "to tmux's paste buffer only (prefix ] pastes it): tmux does not know that your terminal (vt100) takes OSC 52; add `set -as terminal-features ',vt100:clipboard'`"},
		{name: "tmux, no client", env: Env{TMUX: "/tmp/s,1,0"}, text: "hi", tmux: &fakeTmux{client: "\t"},
			loaded: true, notice: "no tmux client is attached"},
		{name: "old tmux, set-clipboard on", env: Env{TMUX: "/tmp/s,1,0"}, text: "hi", wrote: "\x1b]52;c;aGk=\x07",
			tmux:   &fakeTmux{load: old, options: map[string]string{"set-clipboard": "on"}},
			notice: "sent 2 bytes (payload) to tmux as OSC 52 (set-clipboard on)"},
		{name: "old tmux, passthrough on", env: Env{TMUX: "/tmp/s,1,0"}, text: "hi", wrote: "\x1bPtmux;\x1b\x1b]52;c;aGk=",
			tmux:   &fakeTmux{load: old, options: map[string]string{"set-clipboard": "external", "allow-passthrough": "on"}},
			notice: "through tmux's passthrough"},
		{name: "old tmux, nothing lets it through", env: Env{TMUX: "/tmp/s,1,0"}, text: "hi",
			tmux: &fakeTmux{load: old, options: map[string]string{"set-clipboard": "external", "allow-passthrough": "off"}},
			err:  "this tmux takes a program's copy only with `set -g set-clipboard on` in ~/.tmux.conf"},
		{name: "tmux that cannot be asked", env: Env{TMUX: "/tmp/s,1,0"}, text: "hi", wrote: "\x1b]52;c;aGk=\x07",
			tmux:   &fakeTmux{unreachable: true},
			notice: "not confirmed: tmux could not be asked"},
		{name: "too large", env: Env{TERM: "xterm"}, text: strings.Repeat("x", Max+1), err: "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.tmux != nil {
				tc.env.Tmux = tc.tmux.run
			}
			var term strings.Builder
			notice, err := Copy(&term, "payload", tc.text, tc.env)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || term.Len() != 0 {
					t.Fatalf("err %v, wrote %q; want an error with %q and nothing written", err, term.String(), tc.err)
				}
				return
			}
			if err != nil || !strings.Contains(notice, tc.notice) {
				t.Fatalf("notice %q, err %v; want %q", notice, err, tc.notice)
			}
			if got := term.String(); !strings.HasPrefix(got, tc.wrote) || (tc.wrote == "") != (got == "") {
				t.Errorf("wrote %q, want %q…", got, tc.wrote)
			}
			if tc.tmux != nil && (tc.tmux.loaded == tc.text) != tc.loaded {
				t.Errorf("tmux's buffer got %q (want loaded: %v)", tc.tmux.loaded, tc.loaded)
			}
		})
	}
}

// TestCopyIntoRealTmux: inside a real tmux server, the text lands in its
// paste buffer and the notice says no client passed it on.
func TestCopyIntoRealTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is missing on CI: .ci/run installs it")
		}
		t.Skip("tmux is not installed")
	}
	sock := filepath.Join(t.TempDir(), "tmux.sock")
	if out, err := exec.Command("tmux", "-S", sock, "-f", "/dev/null", "new-session", "-d", "-s", "term-clip", "sleep 30").CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	defer exec.Command("tmux", "-S", sock, "kill-server").Run()
	t.Setenv("TMUX", sock+",1,0")
	var term strings.Builder
	text := "temp 21.5 °C ✓"
	notice, err := Copy(&term, "payload", text, FromOS())
	if err != nil || !strings.Contains(notice, "to tmux's paste buffer") {
		t.Fatalf("notice %q, err %v", notice, err)
	}
	got, err := exec.Command("tmux", "-S", sock, "show-buffer").Output()
	if err != nil || string(got) != text {
		t.Fatalf("tmux's buffer holds %q (%v), want %q", got, err, text)
	}
	if term.Len() != 0 {
		t.Errorf("wrote %q to the terminal, though tmux took the copy", term.String())
	}
}
