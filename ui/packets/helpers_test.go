package packets

import (
	"os"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"mqttchat/mqttconn"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	time.Local = time.UTC
	os.Exit(m.Run())
}

// base is a fixed time the tests count from.
var base = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// ms is base plus n milliseconds.
func ms(n float64) time.Time { return base.Add(time.Duration(n * float64(time.Millisecond))) }

func withPreview(p mqttconn.Packet, s string) mqttconn.Packet {
	p.PreviewLen = uint8(copy(p.Preview[:], s))
	return p
}

// session is a connection's packets: connect, subscribe, a QoS 2 publish
// each way, a QoS 1 publish, a ping, and a QoS 0 message.
func session() []mqttconn.Packet {
	T := func(t byte) mqttconn.Packet { return mqttconn.Packet{Type: t} }
	at := func(p mqttconn.Packet, n float64, out bool) mqttconn.Packet { p.Time, p.Out = ms(n), out; return p }
	id := func(p mqttconn.Packet, id uint16) mqttconn.Packet { p.ID = id; return p }
	con := T(mqttconn.TypeConnect)
	con.Connect = &mqttconn.ConnectFields{Protocol: "MQTT", Level: 4, CleanSession: true, KeepAlive: 30, ClientID: "learner",
		Will: true, WillTopic: "status/learner", WillQoS: 1, Username: true, Password: true}
	ack := T(mqttconn.TypeConnack)
	sub := id(T(mqttconn.TypeSubscribe), 1)
	sub.Subs = &mqttconn.SubscriptionFields{Filters: []mqttconn.Subscription{{Filter: "chat/#", QoS: 2}}}
	suback := id(T(mqttconn.TypeSuback), 1)
	suback.Subs = &mqttconn.SubscriptionFields{Codes: []byte{2}}
	pub := func(qos byte, pid uint16, topic, payload string) mqttconn.Packet {
		p := withPreview(mqttconn.Packet{Type: mqttconn.TypePublish, Flags: qos << 1, ID: pid, Topic: topic, PayloadLen: len(payload)}, payload)
		return p
	}
	return []mqttconn.Packet{
		at(con, 0, true), at(ack, 3, false),
		at(sub, 4, true), at(suback, 5.5, false),
		at(pub(2, 2, "chat/lobby", "hello, exactly once"), 10, true),
		at(pub(2, 1, "chat/lobby", "hello, exactly once"), 11, false),
		at(id(T(mqttconn.TypePubrec), 2), 12, false),
		at(id(T(mqttconn.TypePubrec), 1), 12.5, true),
		at(id(T(mqttconn.TypePubrel), 2), 13, true),
		at(id(T(mqttconn.TypePubrel), 1), 14, false),
		at(id(T(mqttconn.TypePubcomp), 2), 15, false),
		at(id(T(mqttconn.TypePubcomp), 1), 15.5, true),
		at(pub(1, 3, "chat/lobby", "at least once\x1b[31m"), 20, true),
		at(id(T(mqttconn.TypePuback), 3), 22, false),
		at(T(mqttconn.TypePingreq), 30000, true), at(T(mqttconn.TypePingresp), 30001.25, false),
		at(pub(0, 0, "sensors/a", "21.5"), 30010, false),
	}
}

// newModel is a w×h view fed with ps.
func newModel(w, h int, ps []mqttconn.Packet) Model {
	m := New(Settings{}, DefaultStyles())
	m.SetSize(w, h)
	m.Add(ps, 0)
	return m
}

// keys presses keys by name.
func keys(m Model, names ...string) Model {
	for _, n := range names {
		var k tea.KeyMsg
		switch n {
		case "up":
			k = tea.KeyMsg{Type: tea.KeyUp}
		case "down":
			k = tea.KeyMsg{Type: tea.KeyDown}
		case "home":
			k = tea.KeyMsg{Type: tea.KeyHome}
		case "end":
			k = tea.KeyMsg{Type: tea.KeyEnd}
		case "enter":
			k = tea.KeyMsg{Type: tea.KeyEnter}
		case "esc":
			k = tea.KeyMsg{Type: tea.KeyEsc}
		case "pgup":
			k = tea.KeyMsg{Type: tea.KeyPgUp}
		default:
			k = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(n)}
		}
		m, _ = m.Update(k)
	}
	return m
}

// typeText types s into the focused input.
func typeText(m Model, s string) Model {
	for _, r := range s {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return m
}

// plain is the view without ANSI sequences.
func plain(m Model) string { return ansi.Strip(m.View()) }
