package screen

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
	"mqttchat/ui/sanitize"
)

// ServerMover is a Conn that can follow an MQTT 5 broker's Server
// Reference (mqttconn.Client is one). The screen asks the user first.
type ServerMover interface {
	UseServer(*mqttconn.ServerReference) error
}

// serverMovedMsg reports what following a Server Reference did.
type serverMovedMsg struct {
	server string
	err    error
}

// serverRefs is what the screen keeps of the Server References brokers sent.
type serverRefs struct {
	pending *mqttconn.ServerReference // arrived in the last batch: to be asked about
	from    string                    // the node that sent it
	asked   map[string]bool           // servers the user was asked about (once each)
}

// noteServerRef puts a row for an event's Server Reference in the
// timeline, and keeps it to be asked about after the batch.
func (m *Model) noteServerRef(ev mqttconn.Event) {
	ref := ev.ServerRef
	if ref == nil {
		return
	}
	named := fmt.Sprintf("the broker says %q and names another server: %s", mqttconn.ReasonText(ref.Code), sanitize.String(ref.Raw))
	switch {
	case ref.Refused != "":
		m.list.pushOrFold(newEventEntry(ev.Time, named+" — "+ref.Refused, true))
		return
	case m.refs.asked[ref.Server]:
		m.list.pushOrFold(newEventEntry(ev.Time, named+" — not moving there: you were asked already", true))
		return
	}
	m.list.pushOrFold(newEventEntry(ev.Time, named, true))
	m.refs.pending, m.refs.from = ref, ev.Node
}

// askServerRef asks whether to follow the Server Reference of the last
// batch: never on its own, never over another question, once per server.
func (m *Model) askServerRef() tea.Cmd {
	ref := m.refs.pending
	m.refs.pending = nil
	mover, ok := m.conn.(ServerMover)
	if ref == nil || !ok || m.mode == modeQuestion {
		return nil
	}
	if m.refs.asked == nil {
		m.refs.asked = map[string]bool{}
	}
	m.refs.asked[ref.Server] = true
	to := ref.Nodes[0]
	details := []string{
		fmt.Sprintf("The broker at %s said %q and named: %s.", sanitize.String(m.refs.from), mqttconn.ReasonText(ref.Code), sanitize.String(ref.Raw)),
		"mqttchat connects there as " + sanitize.String(ref.Server) + " with the same client id, user name and TLS settings; it becomes one more node of this connection (its history and outbox stay this connection's).",
	}
	if !strings.HasPrefix(ref.Server, "ssl://") && !strings.HasPrefix(ref.Server, "wss://") {
		details = append(details, "The connection there is not encrypted.")
	}
	server := ref.Server
	return m.ask(question{
		title:   fmt.Sprintf("Move to %s, the server the broker named?", sanitize.String(to)),
		details: details,
		yes:     func() tea.Msg { return serverMovedMsg{server: server, err: mover.UseServer(ref)} },
	})
}
