// Package clipboard copies text to the user's clipboard from inside a
// terminal program, by the way the terminal in use accepts, and says where
// the text went. Inside tmux it asks tmux (load-buffer -w puts the text in
// tmux's paste buffer and passes it on to the outer terminal as OSC 52,
// whatever set-clipboard says), and falls back on the options it reads;
// inside GNU screen it wraps OSC 52 in screen's passthrough; elsewhere it
// writes OSC 52. No terminal confirms an OSC 52 write, and the notices
// never claim more than was done.
package clipboard

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/aymanbagabas/go-osc52/v2"
)

// Max is the most that is sent: terminals and tmux ignore larger OSC 52
// sequences (about 100,000 bytes of base64).
const Max = 74994

// Runner runs tmux with args and text on its standard input, and returns
// its output.
type Runner func(stdin string, args ...string) (string, error)

// Env is what decides the way to copy.
type Env struct {
	TMUX string // $TMUX: inside tmux
	STY  string // $STY: inside GNU screen
	TERM string
	Tmux Runner // runs tmux; FromOS's runs the tmux binary
}

// FromOS is this process's environment.
func FromOS() Env {
	return Env{TMUX: os.Getenv("TMUX"), STY: os.Getenv("STY"), TERM: os.Getenv("TERM"), Tmux: runTmux}
}

// runTmux runs the tmux binary; $TMUX tells it which server.
func runTmux(stdin string, args ...string) (string, error) {
	cmd := exec.Command("tmux", args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(errOut.String()); msg != "" {
			return "", fmt.Errorf("tmux %s: %s", args[0], msg)
		}
		return "", fmt.Errorf("tmux %s: %w", args[0], err)
	}
	return out.String(), nil
}

// Copy puts text on the clipboard, writing to the terminal out where an
// escape sequence is the way, and returns the notice that says where the
// text went. what names the text in the notice ("payload", "topic"). An
// error means nothing was copied, and says why and what would make it work.
func Copy(out io.Writer, what, text string, env Env) (string, error) {
	n := len(text)
	switch {
	case n > Max:
		return "", fmt.Errorf("%d bytes is too large for the terminal's clipboard (about 74 KB at most)", n)
	case env.TMUX != "":
		return copyTmux(out, what, text, env)
	case env.STY != "" || strings.HasPrefix(env.TERM, "screen"):
		if err := write(out, osc52.New(text).Screen().String()); err != nil {
			return "", err
		}
		return fmt.Sprintf("sent %d bytes (%s) through GNU screen to your terminal's clipboard — OSC 52 in screen's passthrough; the terminal does not confirm", n, what), nil
	}
	if err := write(out, osc52.New(text).String()); err != nil {
		return "", err
	}
	return fmt.Sprintf("copied %d bytes (%s) to the terminal's clipboard — OSC 52; the terminal does not confirm", n, what), nil
}

// copyTmux copies inside tmux.
func copyTmux(out io.Writer, what, text string, env Env) (string, error) {
	n := len(text)
	run := env.Tmux
	if run == nil {
		run = runTmux
	}
	_, loadErr := run(text, "load-buffer", "-w", "-")
	if loadErr == nil {
		features, _ := run("", "display-message", "-p", "#{client_termname}\t#{client_termfeatures}")
		name, feats, _ := strings.Cut(strings.TrimSpace(features), "\t")
		switch {
		case name == "":
			return fmt.Sprintf("copied %d bytes (%s) to tmux's paste buffer (prefix ] pastes it); no tmux client is attached to pass them to a terminal's clipboard", n, what), nil
		case !hasFeature(feats, "clipboard"):
			return fmt.Sprintf("copied %d bytes (%s) to tmux's paste buffer only (prefix ] pastes it): tmux does not know that your terminal (%s) takes OSC 52; add `set -as terminal-features ',%s:clipboard'` to ~/.tmux.conf", n, what, name, name), nil
		}
		return fmt.Sprintf("copied %d bytes (%s) to tmux's paste buffer and passed them to your terminal's clipboard through tmux — OSC 52; the terminal does not confirm", n, what), nil
	}
	// An older tmux (before 3.2 has no -w) or none that answers: what
	// does it let a program's OSC 52 through?
	setClipboard, err := run("", "show-options", "-gv", "set-clipboard")
	if err != nil {
		if werr := write(out, osc52.New(text).String()); werr != nil {
			return "", werr
		}
		return fmt.Sprintf("sent %d bytes (%s) to tmux as OSC 52, not confirmed: tmux could not be asked (%v), and it passes a program's OSC 52 on only with `set -g set-clipboard on` in ~/.tmux.conf", n, what, loadErr), nil
	}
	passthrough, _ := run("", "show-options", "-gv", "allow-passthrough")
	switch {
	case strings.TrimSpace(setClipboard) == "on":
		if err := write(out, osc52.New(text).String()); err != nil {
			return "", err
		}
		return fmt.Sprintf("sent %d bytes (%s) to tmux as OSC 52 (set-clipboard on): tmux keeps them in its paste buffer and passes them to your terminal's clipboard, which does not confirm", n, what), nil
	case strings.TrimSpace(passthrough) == "on" || strings.TrimSpace(passthrough) == "all":
		if err := write(out, osc52.New(text).Tmux().String()); err != nil {
			return "", err
		}
		return fmt.Sprintf("sent %d bytes (%s) through tmux's passthrough to your terminal's clipboard — OSC 52; the terminal does not confirm", n, what), nil
	}
	return "", fmt.Errorf("this tmux takes a program's copy only with `set -g set-clipboard on` in ~/.tmux.conf (tmux load-buffer failed: %v)", loadErr)
}

// hasFeature reports whether tmux's comma-separated feature list holds f.
func hasFeature(list, f string) bool {
	for _, x := range strings.Split(list, ",") {
		if x == f {
			return true
		}
	}
	return false
}

// write sends an escape sequence to the terminal.
func write(out io.Writer, seq string) error {
	if out == nil {
		return fmt.Errorf("no terminal to copy through")
	}
	_, err := io.WriteString(out, seq)
	return err
}
