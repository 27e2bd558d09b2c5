package screen

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"mqttchat/ui/sanitize"
)

func (m *Model) setSize(w, h int) {
	m.width, m.height = max(w, 10), max(h, 5)
	if m.detail != nil {
		m.detail.setSize(m.width, m.detailHeight(), &m.styles)
	}
	m.status.width = m.width
	m.help.Width = m.width
	m.composer.setWidth(m.width)
	m.layout()
}

// layout gives the list what the other parts leave.
func (m *Model) layout() {
	fixed := 2 + 1 + m.composer.height() + strings.Count(m.helpView(), "\n") + 1
	oldWidth := m.list.width
	m.list.setSize(m.listWidth(), m.height-fixed)
	if oldWidth != m.list.width {
		m.list.invalidateAll()
	}
}

// listWidth is what the rooms pane leaves of the width.
func (m Model) listWidth() int {
	if m.rooms.visible(m.width) {
		return m.width - roomsWidth
	}
	return m.width
}

func (m Model) helpView() string {
	if m.fullHelp {
		return m.help.FullHelpView(m.keys.FullHelp())
	}
	return m.help.ShortHelpView(m.keys.ShortHelp())
}

// listTitle is the line above the list: its focus mark, what it holds and
// what arrived below while scrolled up.
func (m Model) listTitle() string {
	style, mark := m.styles.Title, "  "
	if m.focus == focusList {
		style, mark = m.styles.TitleFocused, "▶ "
	}
	text := fmt.Sprintf("%smessages (%d held", mark, m.list.Len())
	if m.list.evicted > 0 {
		text += fmt.Sprintf(", %d older ones let go", m.list.evicted)
	}
	text += ")"
	if m.filtering || m.filterIn.Value() != "" {
		text += fmt.Sprintf(" · filter /%s · %d of %d", m.filterIn.View(), m.list.visibleLen(), m.list.Len())
		if m.filterErr != "" {
			text += " · " + m.filterErr
		}
	}
	if r := m.rooms.current(); r != nil {
		text += " · room " + sanitize.String(r.filter) + fmt.Sprintf(" · %d of %d", m.list.visibleLen(), m.list.Len())
	}
	switch {
	case m.list.paused:
		text += fmt.Sprintf(" · paused — %d new (F4 resumes)", m.list.newBelow)
	case !m.list.atBottom():
		text += fmt.Sprintf(" · scrolled up · ↓ %d new below (end to follow)", m.list.newBelow)
	}
	return style.Render(ansi.Truncate(text, m.listWidth(), "…"))
}

// View draws the screen. Its cost depends on the visible rows only.
func (m Model) View() string {
	defer m.reportPanic()
	if m.detail != nil {
		return strings.Join([]string{
			m.status.View(&m.styles, m.rooms.subscriptions()),
			m.detail.View(&m.styles),
			ansi.Truncate(m.help.ShortHelpView(m.keys.DetailHelp()), m.width, "…"),
		}, "\n")
	}
	composer := m.composer.View(m.focus, &m.styles, m.keys)
	if m.confirm != nil {
		composer = strings.TrimSuffix(composer, "\n"+lastLine(composer)) + "\n" + m.styles.Warn.Render(ansi.Truncate(m.confirm.prompt, m.width, "…"))
	}
	var middle string
	if m.rooms.visible(m.width) {
		// Side by side, line by line: the list's rows are padded from their
		// cached widths, so no line is measured or wrapped again.
		title := m.listTitle()
		left := append([]string{title + strings.Repeat(" ", max(m.listWidth()-ansi.StringWidth(title), 0))},
			m.list.rows(&m.styles, m.focus == focusList, true)...)
		right := strings.Split(m.rooms.View(&m.styles, m.list.height+1, m.focus == focusRooms, m.now), "\n")
		var b strings.Builder
		for i, l := range left {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(l)
			if i < len(right) {
				b.WriteString(right[i])
			}
		}
		middle = b.String()
	} else {
		middle = m.listTitle() + "\n" + m.list.View(&m.styles, m.focus == focusList)
	}
	parts := []string{
		m.status.View(&m.styles, m.rooms.subscriptions()),
		middle,
		composer,
		m.helpView(),
	}
	return strings.Join(parts, "\n")
}

// lastLine is the text after the last newline.
func lastLine(s string) string {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
