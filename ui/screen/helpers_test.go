package screen

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"go.uber.org/goleak"

	"mqttchat/mqttconn"
	goldenfile "mqttchat/ui/golden"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	time.Local = time.UTC
	goleak.VerifyTestMain(m)
}

// fakeConn records what the screen publishes.
type fakeConn struct {
	q         *mqttconn.Queue
	mu        sync.Mutex
	published []mqttconn.Message
	err       error
	retries   int
	subs      []string
	pending   int
}

func newFakeConn() *fakeConn { return &fakeConn{q: mqttconn.NewQueue(1000)} }

func (f *fakeConn) Queue() *mqttconn.Queue { return f.q }
func (f *fakeConn) Received() uint64       { return 0 }
func (f *fakeConn) Subscribe(filter string, qos byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs = append(f.subs, fmt.Sprintf("+%s/%d", filter, qos))
	return nil
}
func (f *fakeConn) SubscribeWith(s mqttconn.Subscription) error {
	if err := f.Subscribe(s.Filter, s.QoS); err != nil {
		return err
	}
	if w := s.OptionWords(); len(w) > 0 {
		f.mu.Lock()
		f.subs[len(f.subs)-1] += " " + strings.Join(w, ", ")
		f.mu.Unlock()
	}
	return nil
}
func (f *fakeConn) Unsubscribe(filter string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs = append(f.subs, "-"+filter)
	return nil
}
func (f *fakeConn) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pending
}
func (f *fakeConn) Retry() { f.mu.Lock(); f.retries++; f.mu.Unlock() }
func (f *fakeConn) Publish(m mqttconn.Message) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return 0, f.err
	}
	f.published = append(f.published, m)
	return uint64(len(f.published)), nil
}

var errOffline = errors.New("not connected: QoS 0 messages are not queued")

// t0 is the fixed time of test events.
var t0 = time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)

func newTestModel(w, h int) (Model, *fakeConn) {
	c := newFakeConn()
	m := New(c, Options{
		Broker:        "127.0.0.1:1883",
		Extra:         "built-in broker · ws://127.0.0.1:8083/mqtt",
		ClientID:      "mqttchatTEST0000000000",
		Subscriptions: []mqttconn.Subscription{{Filter: "#"}, {Filter: "chat/room", QoS: 1}},
		Topic:         "chat/room",
		Mouse:         true,
	})
	m = step(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m, c
}

// step applies one message and returns the concrete model.
func step(m Model, msg tea.Msg) Model {
	next, _ := m.Update(msg)
	return next.(Model)
}

// stepCmd applies one message and returns the model and the command.
func stepCmd(m Model, msg tea.Msg) (Model, tea.Cmd) {
	next, cmd := m.Update(msg)
	return next.(Model), cmd
}

func typeText(m Model, s string) Model {
	return step(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

func keyMsg(t tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: t} }

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func msgEvent(topic, payload string, at time.Duration) mqttconn.Event {
	return mqttconn.Event{Kind: mqttconn.KindMessage, Time: t0.Add(at), Message: mqttconn.Message{
		Topic: topic, Payload: []byte(payload), Time: t0.Add(at)}}
}

func batch(evs ...mqttconn.Event) eventsMsg {
	return eventsMsg{events: evs, received: uint64(len(evs))}
}

// plain is the screen without ANSI sequences.
func plain(m Model) string { return ansi.Strip(m.View()) }

// golden compares got with testdata/name.golden, rewriting it with -update.
func golden(t *testing.T, name, got string) { goldenfile.Assert(t, name, got) }

// widest is the widest line of a view, in cells, and its index.
func widest(view string) (line, width int) {
	for i, l := range strings.Split(view, "\n") {
		if n := ansi.StringWidth(l); n > width {
			line, width = i, n
		}
	}
	return line, width
}

// arm passes the open question's guard, as its timer would.
func arm(m Model) Model {
	if m.question == nil {
		return m
	}
	return step(m, questionArmedMsg{gen: m.question.gen})
}

// alt is a key with Alt held, e.g. alt("q") for alt+q.
func alt(r string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(r), Alt: true} }

// testStyles are the screen's styles, for parts built alone.
func testStyles() *Styles {
	s := DefaultStyles()
	return &s
}

// replayed wraps history events as the screen takes them, whole.
func replayed(evs ...mqttconn.Event) []Replayed {
	out := make([]Replayed, len(evs))
	for i, ev := range evs {
		out[i] = Replayed{Event: ev}
	}
	return out
}

// plainText is s without ANSI sequences.
func plainText(s string) string { return ansi.Strip(s) }
