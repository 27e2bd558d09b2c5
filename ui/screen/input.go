package screen

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// listTop is the screen row where the list starts: below the two-line
// status bar and the list's title.
const listTop = 3

// handleKey routes a key in the order mode's doc gives: Ctrl+C, then the
// mode's own part, then (modeNormal) the screen's keys and the focused part.
func (m Model) handleKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	burst := msg.Type == tea.KeyRunes && (len(msg.Runes) > 1 || msg.Paste)
	if !burst && key.Matches(msg, m.keys.Quit) {
		return m, m.quit()
	}
	if m.mode == modeQuestion {
		return m.answerQuestion(msg, burst)
	}
	if burst && !msg.Paste {
		return m.typeRunes(msg)
	}
	switch m.mode {
	case modeHelp:
		var cmd tea.Cmd
		m.helpView, cmd = m.helpView.update(msg)
		if m.helpView.take() == requestClose {
			m.mode = m.helpFrom
		}
		return m, cmd
	case modeDetail:
		d, cmd := m.detail.update(msg)
		m.detail = &d
		if d.take() == requestClose {
			m.closeDetail()
		}
		return m, cmd
	case modeTopics:
		if key.Matches(msg, packetsKey) && !m.topics.Typing() {
			m.mode = modeNormal
			return m, m.togglePackets()
		}
		return m.updateTopics(msg)
	case modeSearch:
		return m.searchKey(msg)
	case modePackets:
		return m.updatePackets(msg)
	case modeFilter:
		var cmd tea.Cmd
		m.list, cmd = m.list.updateFilter(msg)
		if m.list.take() == requestFilterEnd {
			m.mode = modeNormal
			m.layout()
		}
		return m, cmd
	}
	return m.handleNormalKey(msg)
}

// handleNormalKey: a focused part's key that shadows a screen key (Tab
// completing a command), the screen's keys, the composer's settings (QoS,
// retain: from any part), then the focused part.
func (m Model) handleNormalKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := m.keys
	m.composer.updateKeys() // its text may have been set from outside
	shadowed := m.focus == focusText && key.Matches(msg, m.composer.keys.Complete)
	switch {
	case shadowed:
	case key.Matches(msg, k.Help):
		m.openHelp()
		return m, nil
	case key.Matches(msg, topicsKey):
		return m, m.toggleTopics()
	case key.Matches(msg, packetsKey):
		return m, m.togglePackets()
	case key.Matches(msg, k.NextFocus):
		return m, m.setFocus(m.nextFocus(+1))
	case key.Matches(msg, k.PrevFocus):
		return m, m.setFocus(m.nextFocus(-1))
	case key.Matches(msg, k.ToggleRooms):
		m.toggleRooms()
		return m, nil
	case key.Matches(msg, k.Pause):
		m.list.togglePause()
		return m, nil
	case key.Matches(msg, k.Mouse):
		m.status.mouse = !m.status.mouse
		if m.status.mouse {
			return m, tea.EnableMouseCellMotion
		}
		return m, tea.DisableMouse
	case key.Matches(msg, k.Retry):
		conn := m.conn
		return m, func() tea.Msg { conn.Retry(); return nil }
	case key.Matches(msg, k.PageUp):
		m.list.scroll(m.list.page())
		return m, nil
	case key.Matches(msg, k.PageDown):
		m.list.scroll(-m.list.page())
		return m, nil
	case key.Matches(msg, m.composer.keys.CycleQoS, m.composer.keys.Retain):
		*m.composer, _ = m.composer.update(msg)
		return m, nil
	}
	var cmd tea.Cmd
	switch m.focus {
	case focusList:
		m.list, cmd = m.list.update(msg)
		return m, tea.Batch(cmd, m.listRequest(m.list.take()))
	case focusRooms:
		m.rooms, cmd = m.rooms.update(msg)
		if m.rooms.take() == requestRoomChanged {
			m.showRoom()
		}
		return m, cmd
	}
	*m.composer, cmd = m.composer.update(msg)
	if s, ok := m.composer.takeSubmitted(); ok {
		return m, tea.Batch(cmd, m.submit(s))
	}
	return m, cmd
}

// listRequest does what the list asked for.
func (m *Model) listRequest(r request) tea.Cmd {
	switch r {
	case requestOpen:
		return m.openSelected()
	case requestReply:
		if e, ok := m.list.selected(); ok && e.kind != entryEvent {
			if e.responseTopic != "" && m.v5 {
				return m.answer(e)
			}
			return m.replyTo(e.topic)
		}
	case requestHelp:
		m.openHelp()
	case requestFilterStart:
		m.mode = modeFilter
		m.layout()
	case requestSearch:
		return m.searchFromList()
	}
	return nil
}

// typeRunes handles typed text one rune at a time. Bubble Tea delivers a
// fast-typed word as one message whose String() is the word itself, so the
// word "down" would match the Down arrow's binding (and the text area's),
// and be lost as a cursor move. One rune never spells a key name.
func (m Model) typeRunes(msg tea.KeyMsg) (Model, tea.Cmd) {
	var cmds []tea.Cmd
	for _, r := range msg.Runes {
		var cmd tea.Cmd
		m, cmd = m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// answerQuestion gives a key to the open question; text typed meanwhile
// goes to the message field, where it is seen and kept.
func (m Model) answerQuestion(msg tea.KeyMsg, burst bool) (Model, tea.Cmd) {
	q := *m.question
	var ans answer
	var cmd tea.Cmd
	if burst {
		q.typed += len(msg.Runes)
		q.early = false
		ans, cmd = answerTyped, q.arm()
	} else {
		q, ans, cmd = q.update(msg)
	}
	m.question = &q
	switch ans {
	case answerYes:
		yes := q.yes
		m.closeQuestion()
		return m, yes
	case answerNo:
		m.closeQuestion()
		if q.giveBack != "" {
			m.composer.refused(q.giveBack, "not done: "+q.title)
		}
		if q.no != nil {
			return m, q.no()
		}
		return m, nil
	case answerTyped:
		text := string(msg.Runes)
		if msg.Type == tea.KeySpace {
			text = " "
		}
		m.composer.typeText(text)
	}
	return m, cmd
}

// handleMouse scrolls with the wheel and selects with a click: a message, a
// room, or the open message's text. A question takes no clicks.
func (m Model) handleMouse(msg tea.MouseMsg) (Model, tea.Cmd) {
	if msg.Action != tea.MouseActionPress {
		return m, nil
	}
	var cmd tea.Cmd
	switch m.mode {
	case modeQuestion, modeSearch:
		return m, nil
	case modeHelp:
		m.helpView, cmd = m.helpView.update(msg)
		return m, cmd
	case modeDetail:
		d, cmd := m.detail.update(msg)
		m.detail = &d
		return m, cmd
	case modePackets:
		return m, nil
	case modeTopics:
		msg.Y -= 2 // the view starts below the status bar
		*m.topics, cmd = m.topics.Update(msg)
		return m, tea.Batch(cmd, m.topicsRequest(m.topics.TakeRequest()))
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		m.list.scroll(3)
	case tea.MouseButtonWheelDown:
		m.list.scroll(-3)
	case tea.MouseButtonLeft:
		return m.click(msg.X, msg.Y)
	}
	return m, nil
}

// click selects a room or a message; a second click on the selected
// message opens it.
func (m Model) click(x, y int) (Model, tea.Cmd) {
	if m.rooms.visible(m.width) && x > m.listWidth() {
		if i := m.rooms.rowAt(y - 2); i >= 0 {
			m.rooms.selectAt(i)
			m.showRoom()
			return m, m.setFocus(focusRooms)
		}
		return m, nil
	}
	row := y - listTop
	if row < 0 || row >= m.list.height {
		return m, nil
	}
	before, had := m.list.sel, m.list.hasSel
	i, line, ok := m.list.entryAtRow(row)
	if !ok {
		return m, nil
	}
	if e := m.list.visibleAt(i); line == 0 && e.kind != entryEvent && x >= e.topicCells[0] && x < e.topicCells[1] {
		m.list.selectIndex(i)
		return m, m.replyTo(e.topic) // a click on a topic writes to it
	}
	m.list.selectIndex(i)
	cmd := m.setFocus(focusList)
	if had && before == m.list.sel {
		return m, tea.Batch(cmd, m.openSelected())
	}
	return m, cmd
}
