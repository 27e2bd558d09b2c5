package screen

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/topic"
	"mqttchat/ui/sanitize"
)

// quit ends the program, but asks first when quitting would drop messages
// not yet delivered or take down the built-in broker that other clients
// use. A second Ctrl+C while that question shows is deliberate (Ctrl+C is
// never part of typed or pasted text) and quits.
func (m *Model) quit() tea.Cmd {
	if m.question != nil && m.question.quit {
		return tea.Quit
	}
	var costs []string
	if n := m.conn.Pending(); n > 0 && !m.outboxKept {
		costs = append(costs, fmt.Sprintf("%d %s not delivered yet: quitting drops %s (the history keeps the text).",
			n, plural(n, "message is", "messages are"), plural(n, "it", "them")))
	}
	if m.otherClients > 0 {
		costs = append(costs, fmt.Sprintf("%d other %s the built-in broker: quitting disconnects %s.",
			m.otherClients, plural(m.otherClients, "client uses", "clients use"), plural(m.otherClients, "it", "them")))
	}
	if len(costs) == 0 {
		return tea.Quit
	}
	if m.question != nil {
		m.status.warning = "not done: " + m.question.title
		m.closeQuestion()
	}
	return m.ask(question{title: "Quit mqttchat?", details: costs, yes: tea.Quit, quit: true})
}

// ask shows a question over whatever is showing and starts its guard.
func (m *Model) ask(q question) tea.Cmd {
	q.keys = newQuestionKeys()
	q.back = m.mode
	if m.mode == modeQuestion && m.question != nil {
		q.back = m.question.back
	}
	m.question = &q
	m.mode = modeQuestion
	return m.question.arm()
}

// closeQuestion returns to what the question was drawn over.
func (m *Model) closeQuestion() {
	if m.question == nil {
		return
	}
	m.mode = m.question.back
	m.question = nil
	if m.mode == modeDetail && m.detail == nil {
		m.mode = m.detailFrom
	}
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

// setFocus moves the focus; the list, when it gets it, selects a message.
func (m *Model) setFocus(f focus) tea.Cmd {
	m.focus = f
	if _, ok := m.list.selected(); f == focusList && !ok {
		m.list.moveSelection(0) // the bottom row on screen
	}
	return m.composer.focus(f)
}

// replyTo sets where the composer publishes and gives it the keys (in the
// topics view too: the tree stays, the composer below it has the keys).
func (m *Model) replyTo(topicName string) tea.Cmd {
	m.composer.topic.SetValue(topicName)
	m.composer.topic.CursorEnd()
	return m.setFocus(focusText)
}

// showRoom narrows the list to the selected room ("all": everything). A
// room that is one topic (no wildcard; for a shared subscription, the
// filter after $share/<group>/) is also where the composer writes: the
// room you see is the room you write to.
func (m *Model) showRoom() {
	m.list.filterIn.SetValue("")
	m.list.filterErr = ""
	if r := m.rooms.current(); r != nil {
		m.list.setFilter(&listFilter{topicFilter: r.filter})
		writeTo := r.filter
		if _, inner, ok := topic.Shared(r.filter); ok {
			writeTo = inner // a shared room's messages come on the filter after $share/<group>/
		}
		if !topic.HasWildcard(writeTo) && !strings.HasPrefix(writeTo, "$") {
			m.composer.topic.SetValue(writeTo)
			m.composer.topic.CursorEnd()
		}
	} else {
		m.list.setFilter(nil)
	}
	m.list.updateKeys()
}

// toggleRooms shows or hides the rooms pane.
func (m *Model) toggleRooms() {
	m.rooms.shown = !m.rooms.shown
	if m.focus == focusRooms && !m.rooms.visible(m.width) {
		m.setFocus(focusList)
	}
	m.layout()
}

// openSelected opens the selected message in the detail view.
func (m *Model) openSelected() tea.Cmd {
	e, ok := m.list.selected()
	if !ok || e.kind == entryEvent {
		return nil
	}
	d, cmd := newDetail(e, m.load, m.styles, m.clipboard, m.clock())
	d.setSize(m.width, m.bodyHeight())
	m.detail = &d
	m.detailFrom = modeNormal
	m.mode = modeDetail
	return cmd
}

// closeDetail goes back to where the message was opened from.
func (m *Model) closeDetail() {
	m.detail = nil
	m.mode = m.detailFrom
}

// openHelp shows every key.
func (m *Model) openHelp() {
	m.helpView.setSize(m.width, m.bodyHeight())
	m.helpView.vp.GotoTop()
	m.helpFrom = m.mode
	m.mode = modeHelp
}

// submit acts on what the composer handed over: runs a command, or
// publishes (an empty retained payload clears the topic's retained
// message, so that asks first). What is refused goes back to the composer.
func (m *Model) submit(s submission) tea.Cmd {
	if s.command != "" {
		cmd, err := m.runCommand(s.command)
		if err != nil {
			m.composer.refused(s.command, err.Error())
			return nil
		}
		return cmd
	}
	if s.empty && s.draft.Retained {
		return m.ask(question{
			title:   "Publish an empty retained message? It clears the topic's retained message.",
			details: []string{describeMessage("", s.draft)},
			yes:     publish(m.conn, s.draft, ""),
		})
	}
	return publish(m.conn, s.draft, s.text)
}

// describeMessage names a message to publish in words, for a question.
func describeMessage(what string, msg mqttconn.Message) string {
	text := fmt.Sprintf("Topic %s · QoS %d · retain %s", sanitize.String(msg.Topic), msg.QoS, map[bool]string{true: "on", false: "off"}[msg.Retained])
	if what != "" {
		text = what + " · " + text
	}
	return text
}
