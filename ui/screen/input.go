package screen

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/ui/payload"
)

// listTop is the screen row where the list starts: below the two-line
// status bar and the list's title.
const listTop = 3

// handleMouse scrolls with the wheel and selects with a click: a message, a
// room, or the open message's text.
func (m Model) handleMouse(msg tea.MouseMsg) (tea.Model, tea.Cmd) {
	if msg.Action != tea.MouseActionPress {
		return m, nil
	}
	if m.detail != nil {
		var cmd tea.Cmd
		m.detail.vp, cmd = m.detail.vp.Update(msg)
		return m, cmd
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		m.list.scroll(3)
	case tea.MouseButtonWheelDown:
		m.list.scroll(-3)
	case tea.MouseButtonLeft:
		if m.rooms.visible(m.width) && msg.X >= m.listWidth() {
			if i := m.rooms.rowAt(msg.Y - 2); i >= 0 {
				m.rooms.selectAt(i)
				m.showRoom()
				return m, m.setFocus(focusRooms)
			}
			return m, nil
		}
		row := msg.Y - listTop
		if row < 0 || row >= m.list.height {
			return m, nil
		}
		before, had := m.list.sel, m.list.hasSel
		if !m.list.selectRow(row) {
			return m, nil
		}
		cmd := m.setFocus(focusList)
		if had && before == m.list.sel {
			return m, tea.Batch(cmd, m.openSelected())
		}
		return m, cmd
	}
	return m, nil
}

// openSelected opens the selected message in the detail view.
func (m *Model) openSelected() tea.Cmd {
	e, ok := m.list.selected()
	if !ok || e.kind == entryEvent {
		return nil
	}
	d, cmd := newDetail(e, m.load)
	d.setSize(m.width, m.detailHeight(), &m.styles)
	m.detail = &d
	return cmd
}

func (m Model) detailHeight() int { return m.height - 2 - 1 }

// handleDetailKey handles keys while a message is open.
func (m Model) handleDetailKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k, d := m.keys, m.detail
	switch {
	case key.Matches(msg, k.Back):
		m.detail = nil
		return m, nil
	case key.Matches(msg, k.ViewText):
		d.setMode(payload.ModeText, &m.styles)
	case key.Matches(msg, k.ViewJSON):
		d.setMode(payload.ModeJSON, &m.styles)
	case key.Matches(msg, k.ViewHex):
		d.setMode(payload.ModeHex, &m.styles)
	case key.Matches(msg, k.ViewBase64):
		d.setMode(payload.ModeBase64, &m.styles)
	case key.Matches(msg, k.CopyPayload):
		return m, copyToClipboard(m.clipboard, "payload", d.copyText(&m.styles))
	case key.Matches(msg, k.CopyTopic):
		return m, copyToClipboard(m.clipboard, "topic", d.e.topic)
	default:
		var cmd tea.Cmd
		d.vp, cmd = d.vp.Update(msg)
		return m, cmd
	}
	return m, nil
}

// handleConfirmKey answers the open question.
func (m Model) handleConfirmKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Confirm):
		yes := m.confirm.yes
		m.confirm = nil
		return m, yes
	case key.Matches(msg, m.keys.Cancel):
		m.confirm = nil
	}
	return m, nil
}

// handleKey routes a key: quit first, then an open question, the detail
// view, the filter, the keys that work everywhere, and the focused part.
func (m Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	if !key.Matches(msg, k.Quit) && m.quitArmed {
		m.quitArmed = false
		m.status.warning = ""
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m, m.quit()
	case m.confirm != nil:
		return m.handleConfirmKey(msg)
	case m.detail != nil:
		return m.handleDetailKey(msg)
	case m.filtering:
		return m.handleFilterKey(msg)
	}
	switch {
	case key.Matches(msg, k.Help), m.focus == focusList && key.Matches(msg, k.ListHelp):
		m.fullHelp = !m.fullHelp
		m.layout()
		return m, nil
	case key.Matches(msg, k.NextFocus) && m.focus == focusText && isCommandLine(m.composer.text.Value()):
		m.composer.text.SetValue(completeCommand(m.composer.text.Value()))
		m.composer.hint = commandHint(m.composer.text.Value())
		return m, nil
	case key.Matches(msg, k.NextFocus):
		return m, m.setFocus(m.nextFocus(+1))
	case key.Matches(msg, k.PrevFocus):
		return m, m.setFocus(m.nextFocus(-1))
	case key.Matches(msg, k.ToggleRooms):
		m.rooms.shown = !m.rooms.shown
		if m.focus == focusRooms {
			m.setFocus(focusList)
		}
		m.layout()
		return m, nil
	case key.Matches(msg, k.Pause), m.focus == focusList && key.Matches(msg, k.PauseInList):
		m.togglePause()
		return m, nil
	case key.Matches(msg, k.CycleQoS):
		m.composer.cycleQoS()
		return m, nil
	case key.Matches(msg, k.Retain):
		m.composer.toggleRetain()
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
	case key.Matches(msg, k.Send) && m.focus != focusList:
		return m, m.send()
	case key.Matches(msg, k.SendEmpty) && m.focus != focusList:
		return m, m.sendEmpty()
	case m.focus != focusList && key.Matches(msg, k.RecallPrev) && m.composer.recallStep(m.focus, +1):
		return m, nil
	case m.focus != focusList && key.Matches(msg, k.RecallNext) && m.composer.recallStep(m.focus, -1):
		return m, nil
	}
	if m.focus == focusRooms {
		switch {
		case key.Matches(msg, k.Up):
			m.rooms.move(-1)
			m.showRoom()
		case key.Matches(msg, k.Down):
			m.rooms.move(1)
			m.showRoom()
		case key.Matches(msg, k.Top):
			m.rooms.selectAt(0)
			m.showRoom()
		}
		return m, nil
	}
	if m.focus == focusList {
		switch {
		case key.Matches(msg, k.Filter):
			return m, m.openFilter()
		case key.Matches(msg, k.ClearFilter):
			m.applyFilter("")
			m.filterIn.SetValue("")
		case key.Matches(msg, k.Open):
			return m, m.openSelected()
		case key.Matches(msg, k.Up):
			m.list.moveSelection(-1)
		case key.Matches(msg, k.Down):
			m.list.moveSelection(1)
		case key.Matches(msg, k.Top):
			m.list.selectIndex(0)
		case key.Matches(msg, k.Bottom):
			m.list.scrollToBottom()
			m.list.selectIndex(m.list.visibleLen() - 1)
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.composer, cmd = m.composer.update(msg, m.focus)
	m.composer.hint = commandHint(m.composer.text.Value())
	return m, cmd
}

// typeRunes handles typed text one rune at a time. Bubble Tea delivers a
// fast-typed word as one message whose String() is the word itself, so the
// word "down" would match the Down arrow's binding (and the text area's),
// and be lost as a cursor move. One rune never spells a key name.
func (m Model) typeRunes(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	var next tea.Model = m
	for _, r := range msg.Runes {
		var cmd tea.Cmd
		next, cmd = next.(Model).handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
		cmds = append(cmds, cmd)
	}
	return next, tea.Batch(cmds...)
}
