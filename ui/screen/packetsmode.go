package screen

import (
	"reflect"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/ui/packets"
)

// The packets view (ui/packets) shows every MQTT control packet on the
// connection, both ways, decoded into words. F7 or /packets switches to it
// and back; the composer stays below it (Tab moves the keys), so a
// message sent shows its handshake at once. Packets arrive through
// Options.Packets, a packets.Feed that mqttconn's OnPacket fills without
// blocking; the screen drains it once per frame, with its events
// (waitForEvents).

// packetsKey switches between the chat and the packets view.
var packetsKey = key.NewBinding(key.WithKeys("f7"), key.WithHelp("f7", "packets view / chat"))

// newPacketsView is the view with the screen's styles (no colour under
// NO_COLOR).
func newPacketsView(noColor bool) *packets.Model {
	st := packets.DefaultStyles()
	if noColor {
		stripColours(reflect.ValueOf(&st).Elem())
	}
	v := packets.New(packets.Settings{}, st)
	return &v
}

// togglePackets switches between the chat and the packets view (from the
// topics view too).
func (m *Model) togglePackets() tea.Cmd {
	if m.mode == modePackets {
		m.mode = modeNormal
		m.layout()
		return nil
	}
	m.mode = modePackets
	m.layoutPackets()
	return m.setFocus(focusList) // the packets have the keys
}

// layoutPackets gives the view what the status bar, composer and help
// line leave.
func (m *Model) layoutPackets() { m.packets.SetSize(m.width, m.besideHeight()) }

// updatePackets routes a key in the packets view: Tab moves the keys
// between the packets and the composer; the packets get the rest while
// they have them.
func (m Model) updatePackets(msg tea.KeyMsg) (Model, tea.Cmd) {
	typing := m.packets.Typing()
	switch {
	case key.Matches(msg, packetsKey) && !typing:
		return m, m.togglePackets()
	case key.Matches(msg, topicsKey) && !typing:
		m.mode = modeNormal
		return m, m.toggleTopics()
	}
	if next, cmd, done := m.besideComposer(msg, typing); done {
		return next, cmd
	}
	if msg.Type == tea.KeyEsc && !m.packets.HandlesEsc() {
		return m, m.togglePackets()
	}
	var cmd tea.Cmd
	*m.packets, cmd = m.packets.Update(msg)
	return m, cmd
}

// packetsHelp is the help line in the packets view.
func (m Model) packetsHelp() []key.Binding {
	if m.focus == focusList {
		return append([]key.Binding{packetsKey, m.keys.NextFocus}, m.packets.Keys().ShortHelp()...)
	}
	return append([]key.Binding{packetsKey, m.keys.NextFocus}, m.composer.keys.ShortHelp()...)
}

func (m *Model) cmdPackets(args string) (tea.Cmd, error) {
	cmd := m.togglePackets()
	if args != "" && m.mode == modePackets {
		m.packets.SetFilter(args)
	}
	return cmd, nil
}
