package screen

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/ui/packets"
	"mqttchat/ui/sanitize"
	"mqttchat/ui/topics"
)

func (m *Model) setSize(w, h int) {
	m.width, m.height = max(w, 10), max(h, 5)
	if m.detail != nil {
		m.detail.setSize(m.width, m.bodyHeight())
	}
	m.helpView.setSize(m.width, m.bodyHeight())
	m.search.setSize(m.width, m.bodyHeight())
	m.status.width = m.width
	m.help.Width = m.width
	m.composer.setWidth(m.width)
	if m.focus == focusRooms && !m.rooms.visible(m.width) {
		m.setFocus(focusList) // the pane is hidden at this width: its keys must not act unseen
	}
	m.layout()
	m.layoutTopics()
	m.layoutPackets()
}

// bodyHeight is what the status bar (2 rows) and the help line leave to a
// full view (detail, help).
func (m *Model) bodyHeight() int { return m.height - 2 - 1 }

// layout gives the list what the other parts leave: the status bar, the
// list's title, the composer and the help line.
func (m *Model) layout() {
	fixed := 2 + 1 + m.composer.height() + 1
	oldWidth := m.list.width
	m.list.setSize(m.listWidth(), m.height-fixed)
	if oldWidth != m.list.width {
		m.list.invalidateAll()
	}
}

// listWidth is what the rooms pane leaves of the width.
func (m Model) listWidth() int {
	if m.rooms.visible(m.width) {
		return m.width - roomsWidth - 1 // and a blank column before the pane's border
	}
	return m.width
}

// helpSections are every part's keys, for the full help.
func (m *Model) helpSections() []helpSection {
	flat := func(groups [][]key.Binding) []key.Binding {
		var out []key.Binding
		for _, g := range groups {
			out = append(out, g...)
		}
		return out
	}
	// The full help lists every key, whatever is enabled now.
	composerKeys, listKeys := newComposerKeys(), newListKeys()
	return []helpSection{
		{"everywhere (ctrl+c) and outside views", append(flat(m.keys.FullHelp()), topicsKey, packetsKey)},
		{"message and topic fields", flat(composerKeys.FullHelp())},
		{"list (tab to it)", flat(listKeys.FullHelp())},
		{"list filter (/)", []key.Binding{listKeys.ApplyFilter, listKeys.CancelFilter}},
		{"rooms pane", flat(newRoomsKeys().FullHelp())},
		{"open message", flat(newDetailKeys().FullHelp())},
		{"topics view (f6; tab: composer)", flat(topics.DefaultKeyMap().FullHelp())},
		{"history search (s in the list, /search)", flat(newSearchKeys().FullHelp())},
		{"packets view (f7; tab: composer)", flat(packets.DefaultKeyMap().FullHelp())},
		{"MQTT 5 commands (-V 5; /help lists all)", v5CommandHelp()},
		{"question", flat(newQuestionKeys().FullHelp())},
		{"this help", flat(newHelpKeys().FullHelp())},
	}
}

// shortHelp is the help line's keys: those of what has the keys now.
func (m Model) shortHelp() []key.Binding {
	switch m.mode {
	case modeQuestion:
		return m.question.keys.ShortHelp()
	case modeHelp:
		return m.helpView.keys.ShortHelp()
	case modeDetail:
		return m.detail.keys.ShortHelp()
	case modeFilter:
		return m.list.keys.ShortHelp()
	case modeTopics:
		if m.focus == focusList {
			return append([]key.Binding{topicsKey, m.keys.NextFocus}, m.topics.Keys().ShortHelp()...)
		}
		return append([]key.Binding{topicsKey, m.keys.NextFocus}, m.composer.keys.ShortHelp()...)
	case modeSearch:
		return m.search.keys.ShortHelp()
	case modePackets:
		return m.packetsHelp()
	}
	var part []key.Binding
	switch m.focus {
	case focusList:
		part = m.list.keys.ShortHelp()
	case focusRooms:
		part = m.rooms.keys.ShortHelp()
	default:
		part = m.composer.keys.ShortHelp()
	}
	if m.keys.Retry.Enabled() { // not connected: what can be done about it comes first
		part = append([]key.Binding{m.keys.Retry}, part...)
	}
	return append(part, m.keys.ShortHelp()...)
}

func (m Model) helpLine() string {
	return ansi.Truncate(m.help.ShortHelpView(m.shortHelp()), m.width, "…")
}

// listTitle is the line above the list: its focus mark, what it holds and
// what arrived below while scrolled up.
func (m Model) listTitle() string {
	style, mark := m.styles.Title, "  "
	if m.focus == focusList {
		style, mark = m.styles.TitleFocused, "▶ "
	}
	text := fmt.Sprintf("%smessages (%d held", mark, m.list.messages)
	if m.list.evicted > 0 {
		text += fmt.Sprintf(", %d older ones let go", m.list.evicted)
	}
	text += ")"
	if m.mode == modeFilter || m.list.filterIn.Value() != "" {
		text += fmt.Sprintf(" · filter /%s · %d of %d", m.list.filterIn.View(), m.list.visibleLen(), m.list.messages)
		if m.list.filterErr != "" {
			text += " · " + m.list.filterErr
		}
	}
	if r := m.rooms.current(); r != nil {
		text += " · room " + sanitize.String(r.filter) + fmt.Sprintf(" · %d of %d", m.list.visibleLen(), m.list.messages)
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
	base := m.mode
	if base == modeQuestion {
		base = m.question.back
	}
	var body string
	switch base {
	case modeDetail:
		body = m.detail.View()
	case modeHelp:
		body = m.helpView.View()
	case modeTopics:
		topicStyle := m.styles.topicStyle(m.rooms.colourOf(m.composer.topic.Value()))
		body = m.topics.View() + "\n" + m.composer.View(m.styles, topicStyle)
	case modeSearch:
		body = m.search.View()
	case modePackets:
		topicStyle := m.styles.topicStyle(m.rooms.colourOf(m.composer.topic.Value()))
		body = m.packets.View() + "\n" + m.composer.View(m.styles, topicStyle)
	default:
		topicStyle := m.styles.topicStyle(m.rooms.colourOf(m.composer.topic.Value()))
		body = m.middle() + "\n" + m.composer.View(m.styles, topicStyle)
	}
	screen := strings.Join([]string{m.status.View(m.styles, m.rooms.subscriptionSummary()), body, m.helpLine()}, "\n")
	if m.mode == modeQuestion {
		screen = m.overlay(screen, m.question.View(m.styles, m.width))
	}
	return sanitize.Frame(screen) // our own glyphs in ASCII where the locale is not UTF-8
}

// middle is the list's title and rows, with the rooms pane beside them.
func (m Model) middle() string {
	if !m.rooms.visible(m.width) {
		return m.listTitle() + "\n" + m.list.View(m.styles, m.focus == focusList)
	}
	// Side by side, line by line: the list's rows are padded from their
	// cached widths, so no line is measured or wrapped again.
	title := m.listTitle()
	left := append([]string{title + strings.Repeat(" ", max(m.listWidth()-ansi.StringWidth(title), 0))},
		m.list.rows(m.styles, m.focus == focusList, true)...)
	right := strings.Split(m.rooms.View(m.styles, m.list.height+1, m.focus == focusRooms, m.now), "\n")
	var b strings.Builder
	for i, l := range left {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
		if i < len(right) {
			b.WriteString(" " + right[i])
		}
	}
	return b.String()
}

// overlay draws band over the screen's lines, below the status bar and
// centred in what is left; on a screen too small for both, the band wins.
func (m Model) overlay(screen string, band []string) string {
	lines := strings.Split(screen, "\n")
	if len(band) > len(lines) {
		band = band[len(band)-len(lines):]
	}
	top := 2 + max((len(lines)-2-1-len(band))/2, 0)
	top = min(top, len(lines)-len(band))
	for i, b := range band {
		lines[top+i] = b + strings.Repeat(" ", max(m.width-ansi.StringWidth(b), 0))
	}
	return strings.Join(lines, "\n")
}
