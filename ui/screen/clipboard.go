package screen

import (
	"io"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/ui/clipboard"
)

// maxClipboard is the most that is copied (see clipboard.Max).
const maxClipboard = clipboard.Max

// copiedMsg reports a copy: notice says where the text went, err why it
// was not copied.
type copiedMsg struct {
	what   string
	n      int
	notice string
	err    error
}

// copyToClipboard copies text the way this terminal accepts (ui/clipboard:
// tmux's paste buffer and on to the outer terminal, screen's passthrough,
// or OSC 52), never claiming more than was done.
func copyToClipboard(out io.Writer, what, text string) tea.Cmd {
	return func() tea.Msg {
		notice, err := clipboard.Copy(out, what, text, clipboard.FromOS())
		return copiedMsg{what: what, n: len(text), notice: notice, err: err}
	}
}
