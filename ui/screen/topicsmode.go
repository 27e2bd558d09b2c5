package screen

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"mqttchat/mqttconn"
	"mqttchat/ui/sanitize"
	"mqttchat/ui/topics"
)

// The topics view (ui/topics) is a second way to look at the same
// messages: a tree of every topic seen with its last value, beside the
// chat. F6 or /topics switches to it and back; the composer stays below
// it, and Tab moves the keys between the tree and the composer.

// topicsKey switches between the chat and the topics view.
var topicsKey = key.NewBinding(key.WithKeys("f6"), key.WithHelp("f6", "topics view / chat"))

// newTopicsView is the view with the screen's styles (no colour under
// NO_COLOR).
func newTopicsView(noColor bool) *topics.Model {
	st := topics.DefaultStyles()
	if noColor {
		stripColours(reflect.ValueOf(&st).Elem())
	}
	v := topics.New(topics.Settings{}, nil, st)
	return &v
}

// stripColours takes the colours out of every lipgloss.Style in a styles
// struct, nested ones included.
func stripColours(v reflect.Value) {
	styleType := reflect.TypeOf(lipgloss.Style{})
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case !f.CanSet():
		case f.Type() == styleType:
			f.Set(reflect.ValueOf(plainStyle(f.Interface().(lipgloss.Style))))
		case f.Kind() == reflect.Struct:
			stripColours(f)
		}
	}
}

// toggleTopics switches between the chat and the topics view.
func (m *Model) toggleTopics() tea.Cmd {
	if m.mode == modeTopics {
		m.mode = modeNormal
		m.layout()
		return nil
	}
	m.mode = modeTopics
	m.layoutTopics()
	return m.setFocus(focusList) // the tree has the keys
}

// layoutTopics gives the view what the status bar, composer and help line
// leave.
func (m *Model) layoutTopics() { m.topics.SetSize(m.width, m.besideHeight()) }

// besideHeight is the height of a view drawn above the composer (topics,
// packets): what the status bar, the composer and the help line leave.
func (m *Model) besideHeight() int { return m.height - 2 - m.composer.height() - 1 }

// besideComposer routes the keys that every view drawn above the composer
// shares: Tab moves the keys between the view and the composer, which gets
// every key while it has them, and F1 opens the help. done is false for a
// key the view itself takes. typing: the view's own input has the keys.
func (m Model) besideComposer(msg tea.KeyMsg, typing bool) (next Model, cmd tea.Cmd, done bool) {
	switch {
	case key.Matches(msg, m.keys.NextFocus, m.keys.PrevFocus) && !typing:
		if m.focus == focusList {
			return m, m.setFocus(focusText), true
		}
		return m, m.setFocus(focusList), true
	case m.focus != focusList:
		*m.composer, cmd = m.composer.update(msg)
		if s, ok := m.composer.takeSubmitted(); ok {
			cmd = tea.Batch(cmd, m.submit(s))
		}
		return m, cmd, true
	case key.Matches(msg, m.keys.Help) && !typing:
		m.openHelp()
		return m, nil, true
	}
	return m, nil, false
}

// updateTopics routes a key in the topics view: Tab moves the keys between
// the tree and the composer (so a reply can be written at once); the tree
// gets the rest while it has them.
func (m Model) updateTopics(msg tea.KeyMsg) (Model, tea.Cmd) {
	typing := m.topics.Typing()
	if key.Matches(msg, topicsKey) && !typing {
		return m, m.toggleTopics()
	}
	if next, cmd, done := m.besideComposer(msg, typing); done {
		return next, cmd
	}
	if msg.Type == tea.KeyEsc && !m.topics.HandlesEsc() {
		return m, m.toggleTopics()
	}
	var cmd tea.Cmd
	*m.topics, cmd = m.topics.Update(msg)
	return m, tea.Batch(cmd, m.topicsRequest(m.topics.TakeRequest()))
}

// topicsRequest does what the view asked for.
func (m *Model) topicsRequest(r topics.Request) tea.Cmd {
	switch r := r.(type) {
	case topics.OpenMessage:
		v := r.Last
		e := newMessageEntry(entryIn, mqttconn.Message{Topic: r.Topic, Payload: v.Payload, QoS: v.QoS, Retained: v.Retained, Time: v.At}, analysis{})
		e.size = max(e.size, v.Size)
		d, cmd := newDetail(e, m.load, m.styles, m.clipboard, m.clock())
		d.setSize(m.width, m.bodyHeight())
		m.detail = &d
		m.detailFrom = modeTopics
		m.mode = modeDetail
		return cmd
	case topics.Reply:
		return m.replyTo(r.Topic)
	case topics.ClearRetained:
		return m.startClear(r.Prefix)
	case topics.LoadHistory:
		if m.searchFn == nil {
			m.status.warning = "older values need the history, which is off"
			return nil
		}
		m.status.warning = "reading older values of " + sanitize.String(r.Topic) + " from the history…"
		return loadTopicHistory(m.searchFn, r.Topic)
	}
	return nil
}

// topicHistoryMsg brings a topic's values from the history.
type topicHistoryMsg struct {
	topic  string
	values []topics.Value
	err    error
}

// topicHistoryLimit is how many of the newest recorded values are kept.
const topicHistoryLimit = 256

// loadTopicHistory reads a topic's recorded values off the UI goroutine,
// keeping the newest ones.
func loadTopicHistory(search SearchFunc, topicName string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var vals []topics.Value
		err := search(ctx, SearchQuery{Topic: topicName}, func(r Replayed) bool {
			msg := r.Event.Message
			if r.Event.Kind != mqttconn.KindMessage || msg.Topic != topicName {
				return true
			}
			vals = append(vals, topics.Value{At: msg.Time, Payload: msg.Payload, Size: max(len(msg.Payload), r.Size), QoS: msg.QoS, Retained: msg.Retained})
			if len(vals) > 2*topicHistoryLimit {
				vals = append(vals[:0], vals[len(vals)-topicHistoryLimit:]...)
			}
			return true
		})
		if len(vals) > topicHistoryLimit {
			vals = vals[len(vals)-topicHistoryLimit:]
		}
		return topicHistoryMsg{topic: topicName, values: vals, err: err}
	}
}

// topicHistoryLoaded gives the view the values older than those it holds.
func (m *Model) topicHistoryLoaded(msg topicHistoryMsg) {
	if msg.err != nil {
		m.status.warning = "older values not read: " + errText(msg.err)
		return
	}
	tree := m.topics.Tree()
	held := tree.Values(msg.topic)
	older := msg.values
	if len(held) > 0 {
		oldest := held[0].At
		for i, v := range held {
			if v.At.Before(oldest) {
				oldest = held[i].At
			}
		}
		older = slices.DeleteFunc(older, func(v topics.Value) bool { return !v.At.Before(oldest) })
	}
	tree.AddOlder(msg.topic, older)
	m.topics.Refresh()
	m.status.warning = fmt.Sprintf("%d older %s of %s from the history", len(older), plural(len(older), "value", "values"), sanitize.String(msg.topic))
}

// A clear of a retained subtree runs in steps, each after the broker had
// time to answer: a dry run that subscribes to the subtree (the broker sends
// every retained message under it at once, marked retained), the question
// naming what was found, the empty retained publishes, and a re-check by
// subscribing again: a 3.1.1 broker may refuse a publish silently (an ACL
// denial still gets PUBACK 0), so only the re-check tells what is left. A
// subscription made only for this is removed at the end.
type clearRun struct {
	prefix, filter string
	temp           bool     // the filter was subscribed for the clear only
	asked          []string // the topics cleared
}

// clearSettle is how long a step waits for the broker's retained messages.
const clearSettle = 1500 * time.Millisecond

// The steps after the dry run's subscription.
const (
	clearAsk     = iota + 1 // ask, naming what the dry run found
	clearRecheck            // subscribe again to see what is left
	clearReport             // say what is left
)

// clearStepMsg moves a clear to its next step.
type clearStepMsg struct{ step int }

func clearStep(step int) tea.Cmd {
	return tea.Tick(clearSettle, func(time.Time) tea.Msg { return clearStepMsg{step: step} })
}

// startClear begins a clear of the retained messages at or below prefix
// with the dry run.
func (m *Model) startClear(prefix string) tea.Cmd {
	if m.clearing != nil {
		m.status.warning = "a clear of retained messages is still running"
		return nil
	}
	filter := "#"
	if prefix != "" {
		filter = prefix + "/#"
	}
	m.clearing = &clearRun{prefix: prefix, filter: filter, temp: m.rooms.find(filter) == nil}
	m.status.warning = "looking for retained messages under " + sanitize.String(filter) + "…"
	return tea.Batch(m.subscribeCmd(filter), clearStep(clearAsk))
}

// subscribeCmd (re)subscribes off the UI goroutine: the broker sends the
// filter's retained messages again.
func (m *Model) subscribeCmd(filter string) tea.Cmd {
	conn := m.conn
	return func() tea.Msg { return commandDoneMsg{err: conn.Subscribe(filter, 1)} }
}

// clearStepped runs a clear's next step.
func (m *Model) clearStepped(msg clearStepMsg) tea.Cmd {
	c := m.clearing
	if c == nil {
		return nil
	}
	tree := m.topics.Tree()
	switch msg.step {
	case clearAsk:
		found := tree.RetainedUnder(c.prefix)
		if len(found) == 0 {
			m.status.warning = topics.ClearQuestion(c.prefix, nil, 0)
			return m.endClear()
		}
		msgs := make([]mqttconn.Message, len(found))
		for i, t := range found {
			msgs[i] = mqttconn.Message{Topic: t, Payload: []byte{}, QoS: 1, Retained: true}
		}
		lines := strings.Split(topics.ClearQuestion(c.prefix, found, 10), "\n")
		return m.ask(question{
			title:   lines[0],
			details: append(lines[1:], fmt.Sprintf("Publishes %d empty retained %s at QoS 1.", len(msgs), plural(len(msgs), "message", "messages"))),
			yes:     clearRetained(m.conn, msgs),
			no:      m.endClear,
		})
	case clearRecheck:
		return tea.Batch(m.subscribeCmd(c.filter), clearStep(clearReport))
	case clearReport:
		var still []string
		for _, t := range tree.RetainedUnder(c.prefix) {
			if slices.Contains(c.asked, t) {
				still = append(still, t)
			}
		}
		m.status.warning = topics.ClearReport(c.asked, still)
		return m.endClear()
	}
	return nil
}

// endClear removes a subscription made for the clear only.
func (m *Model) endClear() tea.Cmd {
	c := m.clearing
	m.clearing = nil
	if c == nil || !c.temp {
		return nil
	}
	conn := m.conn
	return func() tea.Msg { return commandDoneMsg{err: conn.Unsubscribe(c.filter)} }
}

// retainedClearedMsg reports a subtree's clearing.
type retainedClearedMsg struct {
	asked  []string
	failed []string
	errs   []error
}

// clearRetained publishes an empty retained message to each topic off the
// UI goroutine; the tree's marks are cleared for those the connection took.
func clearRetained(c Conn, msgs []mqttconn.Message) tea.Cmd {
	return func() tea.Msg {
		var res retainedClearedMsg
		for _, msg := range msgs {
			res.asked = append(res.asked, msg.Topic)
			if _, err := c.Publish(msg); err != nil {
				res.failed = append(res.failed, msg.Topic)
				res.errs = append(res.errs, err)
			}
		}
		return res
	}
}

// retainedCleared updates the tree's marks for what was handed over, then
// waits for the broker to apply it before the re-check.
func (m *Model) retainedCleared(msg retainedClearedMsg) tea.Cmd {
	failed := map[string]bool{}
	for _, t := range msg.failed {
		failed[t] = true
	}
	for _, t := range msg.asked {
		if !failed[t] {
			m.topics.Tree().SetRetained(t, false)
		}
	}
	text := fmt.Sprintf("clearing %d retained %s: empty retained messages handed over; checking what is left…",
		len(msg.asked)-len(msg.failed), plural(len(msg.asked)-len(msg.failed), "message", "messages"))
	if len(msg.failed) > 0 {
		text += fmt.Sprintf(" (%d not sent: %s)", len(msg.failed), errText(msg.errs[0]))
	}
	m.status.warning = text
	if m.clearing == nil {
		return nil
	}
	m.clearing.asked = msg.asked
	return clearStep(clearRecheck)
}
