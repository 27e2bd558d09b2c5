package screen

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/ui/sanitize"
)

// quit ends the program, but asks first (a second Ctrl+C) when quitting
// would drop messages not yet delivered, or take down the built-in broker
// that other clients use.
func (m *Model) quit() tea.Cmd {
	if m.quitArmed {
		return tea.Quit
	}
	var costs []string
	if n := m.conn.Pending(); n > 0 && !m.outboxKept {
		costs = append(costs, fmt.Sprintf("%d %s not delivered yet", n, plural(n, "message", "messages")))
	}
	if m.otherClients > 0 {
		costs = append(costs, fmt.Sprintf("%d other %s the built-in broker", m.otherClients, plural(m.otherClients, "client uses", "clients use")))
	}
	if len(costs) == 0 {
		return tea.Quit
	}
	m.quitArmed = true
	m.status.warning = strings.Join(costs, "; ") + ": Ctrl+C again quits" + quitCost(len(costs) > 1, m.otherClients > 0)
	return nil
}

// quitCost is what a second Ctrl+C gives up.
func quitCost(both, others bool) string {
	switch {
	case both:
		return ", drops the messages and disconnects the other clients"
	case others:
		return " and disconnects them"
	}
	return " and drops them"
}

// nextFocus is the next part in Tab order (dir -1: Shift+Tab), skipping the
// rooms pane while it is hidden.
func (m *Model) nextFocus(dir int) focus {
	f := m.focus
	for range focusCount {
		f = (f + focus(focusCount) + focus(dir)) % focusCount
		if f != focusRooms || m.rooms.visible(m.width) {
			return f
		}
	}
	return focusText
}

// showRoom narrows the list to the selected room ("all": everything).
func (m *Model) showRoom() {
	m.filterIn.SetValue("")
	m.filterErr = ""
	if r := m.rooms.current(); r != nil {
		m.list.setFilter(&listFilter{topicFilter: r.filter})
		return
	}
	m.list.setFilter(nil)
}

// togglePause freezes or resumes the list.
func (m *Model) togglePause() {
	m.list.paused = !m.list.paused
	if !m.list.paused {
		m.list.scrollToBottom()
	}
}

// sendEmpty publishes an empty payload on purpose; an empty retained
// message clears the topic's retained message, so it asks first.
func (m *Model) sendEmpty() tea.Cmd {
	draft, err := m.composer.emptyDraft()
	if err != nil {
		m.composer.err = err.Error()
		return nil
	}
	if draft.Retained {
		m.confirm = &confirmation{
			prompt: fmt.Sprintf("Publish an empty retained message to %s? It clears the topic's retained message. (y/n)", sanitize.String(draft.Topic)),
			yes:    publish(m.conn, draft),
		}
		return nil
	}
	return publish(m.conn, draft)
}

// send runs a command line, or validates the composer and publishes what
// it holds ("//text" publishes "/text").
func (m *Model) send() tea.Cmd {
	if text := m.composer.text.Value(); m.focus == focusText && isCommandLine(text) {
		cmd, err := m.runCommand(text)
		if err != nil {
			m.composer.err = err.Error()
			return nil
		}
		m.composer.text.Reset()
		m.composer.hint = ""
		m.composer.err = ""
		return cmd
	}
	draft, ok, err := m.composer.draft()
	if err != nil {
		m.composer.err = err.Error()
		return nil
	}
	if !ok {
		return nil
	}
	m.composer.err = ""
	return publish(m.conn, draft)
}

// setFocus moves the focus; the list, when it gets it, selects a message.
func (m *Model) setFocus(f focus) tea.Cmd {
	m.focus = f
	if _, ok := m.list.selected(); f == focusList && !ok {
		m.list.moveSelection(0) // the bottom row on screen
	}
	return m.composer.focus(f)
}
