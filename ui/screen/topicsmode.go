package screen

import (
	"fmt"
	"reflect"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"mqttchat/mqttconn"
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
func newTopicsView(noColor bool) topics.Model {
	st := topics.DefaultStyles()
	if noColor {
		stripColours(reflect.ValueOf(&st).Elem())
	}
	return topics.New(topics.Settings{}, nil, st)
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
func (m *Model) layoutTopics() {
	m.topics.SetSize(m.width, m.height-2-m.composer.height()-1)
}

// updateTopics routes a key in the topics view: Tab moves the keys between
// the tree and the composer (so a reply can be written at once); the tree
// gets the rest while it has them.
func (m Model) updateTopics(msg tea.KeyMsg) (Model, tea.Cmd) {
	treeHasKeys := m.focus == focusList
	switch {
	case key.Matches(msg, topicsKey) && !m.topics.Typing():
		return m, m.toggleTopics()
	case key.Matches(msg, m.keys.NextFocus, m.keys.PrevFocus) && !m.topics.Typing():
		if treeHasKeys {
			return m, m.setFocus(focusText)
		}
		return m, m.setFocus(focusList)
	case !treeHasKeys:
		var cmd tea.Cmd
		m.composer, cmd = m.composer.update(msg)
		if s, ok := m.composer.takeSubmitted(); ok {
			return m, tea.Batch(cmd, m.submit(s))
		}
		return m, cmd
	case key.Matches(msg, m.keys.Help) && !m.topics.Typing():
		m.openHelp()
		return m, nil
	case msg.Type == tea.KeyEsc && !m.topics.HandlesEsc():
		return m, m.toggleTopics()
	}
	var cmd tea.Cmd
	m.topics, cmd = m.topics.Update(msg)
	return m, tea.Batch(cmd, m.topicsRequest(m.topics.TakeRequest()))
}

// topicsRequest does what the view asked for.
func (m *Model) topicsRequest(r topics.Request) tea.Cmd {
	switch r := r.(type) {
	case topics.OpenMessage:
		v := r.Last
		e := newMessageEntry(entryIn, mqttconn.Message{Topic: r.Topic, Payload: v.Payload, QoS: v.QoS, Retained: v.Retained, Time: v.At}, analysis{})
		e.size = max(e.size, v.Size)
		d, cmd := newDetail(e, m.load, m.styles, m.clipboard)
		d.setSize(m.width, m.bodyHeight())
		m.detail = &d
		m.detailFrom = modeTopics
		m.mode = modeDetail
		return cmd
	case topics.Reply:
		return m.replyTo(r.Topic)
	case topics.ClearRetained:
		msgs := make([]mqttconn.Message, len(r.Topics))
		for i, t := range r.Topics {
			msgs[i] = mqttconn.Message{Topic: t, Payload: []byte{}, QoS: 1, Retained: true}
		}
		return m.ask(question{
			title:   r.Question,
			details: []string{fmt.Sprintf("Publishes %d empty retained %s at QoS 1.", len(msgs), plural(len(msgs), "message", "messages"))},
			yes:     clearRetained(m.conn, msgs),
		})
	case topics.LoadHistory:
		m.status.warning = "older values from the history are not wired into the topics view yet"
	}
	return nil
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

// retainedCleared updates the tree and says what was done, honestly: the
// publishes were handed over; a 3.1.1 broker may refuse silently, and the
// tree learns what is still retained the next time the topic is delivered
// retained (re-subscribe to check).
func (m *Model) retainedCleared(msg retainedClearedMsg) {
	failed := map[string]bool{}
	for _, t := range msg.failed {
		failed[t] = true
	}
	for _, t := range msg.asked {
		if !failed[t] {
			m.topics.Tree().SetRetained(t, false)
		}
	}
	text := fmt.Sprintf("clearing %d retained %s: empty retained messages queued (their rows show the broker's acks; a 3.1.1 broker may refuse silently — /sub the prefix again to see what is left)",
		len(msg.asked)-len(msg.failed), plural(len(msg.asked)-len(msg.failed), "message", "messages"))
	if len(msg.failed) > 0 {
		text += fmt.Sprintf("; %d not sent: %s", len(msg.failed), errText(msg.errs[0]))
	}
	m.status.warning = text
}
