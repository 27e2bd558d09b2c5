package screen

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
)

// maxClipboard is the most that is sent through OSC 52: terminals and tmux
// ignore larger sequences (about 100,000 bytes of base64).
const maxClipboard = 74994

// copiedMsg reports a copy to the terminal's clipboard.
type copiedMsg struct {
	what string
	n    int
	err  error
}

// copyToClipboard sends text to the terminal's clipboard with one OSC 52
// write (wrapped for tmux or screen when inside one). No terminal confirms
// it, so the result only says it was sent.
func copyToClipboard(out io.Writer, what, text string) tea.Cmd {
	return func() tea.Msg {
		if out == nil {
			return copiedMsg{what: what, err: fmt.Errorf("no terminal to copy through")}
		}
		if len(text) > maxClipboard {
			return copiedMsg{what: what, err: fmt.Errorf("%d bytes is too large for the terminal's clipboard (about 74 KB at most)", len(text))}
		}
		_, err := io.WriteString(out, clipboardSequence(text, os.Getenv("TMUX") != "", os.Getenv("TERM")))
		return copiedMsg{what: what, n: len(text), err: err}
	}
}

// clipboardSequence is the OSC 52 escape that sets the clipboard to text.
func clipboardSequence(text string, inTmux bool, term string) string {
	seq := osc52.New(text)
	switch {
	case inTmux:
		seq = seq.Tmux()
	case strings.HasPrefix(term, "screen"):
		seq = seq.Screen()
	}
	return seq.String()
}
