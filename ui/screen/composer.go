package screen

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/topic"
)

// composerTextHeight is the text field's height in rows.
const composerTextHeight = 3

// composerHeaderExtra is the width the header needs beside the topic field:
// its label, the QoS and retain settings with their keys, and the cursor.
const composerHeaderExtra = 48

// composer is where a message is written: topic, text, QoS and retain.
type composer struct {
	topic  textinput.Model
	text   textarea.Model
	qos    byte
	retain bool
	err    string
	hint   string // what a /command being typed does
	width  int
	recall recall
}

func newComposer(startTopic string, qos byte, keys keyMap) composer {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = "topic to publish to"
	ti.SetValue(startTopic)

	ta := textarea.New()
	ta.Prompt = "┃ "
	ta.Placeholder = "type a message, enter sends"
	ta.ShowLineNumbers = false
	ta.CharLimit = 0
	ta.MaxHeight = 0
	ta.SetHeight(composerTextHeight)
	ta.KeyMap.InsertNewline = keys.Newline
	ta.FocusedStyle.CursorLine = ta.FocusedStyle.CursorLine.UnsetBackground()
	// A steady cursor: a blinking one redraws the screen twice a second, the
	// main cost of an idle mqttchat.
	ti.Cursor.SetMode(cursor.CursorStatic)
	ta.Cursor.SetMode(cursor.CursorStatic)
	ta.Focus()
	return composer{topic: ti, text: ta, qos: qos}
}

func (c *composer) setWidth(w int) {
	c.width = w
	c.topic.Width = max(w-composerHeaderExtra, 8)
	c.text.SetWidth(max(w, 4))
}

// height is the number of rows View draws.
func (c *composer) height() int { return 1 + composerTextHeight + 1 }

// focus gives typing to the topic field or the text field.
func (c *composer) focus(f focus) tea.Cmd {
	c.topic.Blur()
	c.text.Blur()
	c.text.Prompt = "  "
	switch f {
	case focusTopic:
		return c.topic.Focus()
	case focusText:
		c.text.Prompt = "┃ "
		return c.text.Focus()
	}
	return nil
}

// update forwards a message to the focused field.
func (c composer) update(msg tea.Msg, f focus) (composer, tea.Cmd) {
	var cmd tea.Cmd
	switch f {
	case focusTopic:
		c.topic, cmd = c.topic.Update(msg)
	case focusText:
		c.text, cmd = c.text.Update(msg)
	}
	if _, ok := msg.(tea.KeyMsg); ok {
		c.err = ""
	}
	return c, cmd
}

// draft validates what is written and returns it as a message to publish.
// ok is false when there is nothing to send.
func (c *composer) draft() (m mqttconn.Message, ok bool, err error) {
	payload := c.text.Value()
	if payload == "" {
		return m, false, nil
	}
	t := c.topic.Value()
	if err := checkTopic(t); err != nil {
		return m, false, err
	}
	if strings.HasPrefix(payload, "//") {
		payload = payload[1:] // "//text" sends "/text"
	}
	return mqttconn.Message{Topic: t, Payload: []byte(payload), QoS: c.qos, Retained: c.retain}, true, nil
}

// emptyDraft is a message with an empty payload to the topic in the field.
func (c *composer) emptyDraft() (mqttconn.Message, error) {
	t := c.topic.Value()
	if err := checkTopic(t); err != nil {
		return mqttconn.Message{}, err
	}
	return mqttconn.Message{Topic: t, Payload: []byte{}, QoS: c.qos, Retained: c.retain}, nil
}

// sent clears the text field if it still holds what was sent.
func (c *composer) sent(_, payload string) {
	if v := c.text.Value(); v == payload || v == "/"+payload {
		c.text.Reset()
	}
}

// recallStep replaces the focused field with an earlier (dir +1) or later
// (dir -1) sent value. In the text field it does so only from its first line
// going back and its last line going forward, so that arrows still move
// between the lines of a multi-line text. It reports whether it did.
func (c *composer) recallStep(f focus, dir int) bool {
	switch f {
	case focusTopic:
		v, ok := c.recall.topics.step(c.topic.Value(), dir)
		if ok {
			c.topic.SetValue(v)
			c.topic.CursorEnd()
		}
		return ok
	case focusText:
		if (dir > 0 && c.text.Line() != 0) || (dir < 0 && c.text.Line() != c.text.LineCount()-1) {
			return false
		}
		v, ok := c.recall.texts.step(c.text.Value(), dir)
		if ok {
			c.text.SetValue(v)
		}
		return ok
	}
	return false
}

func (c *composer) cycleQoS()     { c.qos = (c.qos + 1) % 3 }
func (c *composer) toggleRetain() { c.retain = !c.retain }

func (c *composer) View(f focus, s *Styles, k keyMap) string {
	label := func(name string, focused bool) string {
		if focused {
			return s.LabelFocused.Render("▶ " + name)
		}
		return s.Label.Render("  " + name)
	}
	retain := "off"
	if c.retain {
		retain = "on"
	}
	header := label("topic", f == focusTopic) + " " + c.topic.View() +
		s.Label.Render(fmt.Sprintf("  QoS %d (%s)  retain %s (%s)", c.qos,
			firstKey(k.CycleQoS), retain, firstKey(k.Retain)))
	header = ansi.Truncate(header, c.width, "…")
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("\n")
	b.WriteString(c.text.View())
	b.WriteString("\n")
	switch {
	case c.err != "":
		b.WriteString(s.Error.Render(ansi.Truncate("✗ "+c.err, c.width, "…")))
	case c.hint != "":
		b.WriteString(s.Hint.Render(ansi.Truncate(c.hint, c.width, "…")))
	}
	return b.String()
}

// firstKey is the first key of a binding, for inline hints.
func firstKey(b key.Binding) string { return b.Help().Key }

// checkTopic validates the topic field, saying how to fill an empty one.
func checkTopic(t string) error {
	if t == "" {
		return errors.New("topic: no topic to publish to — Tab to the topic field, or type /topic NAME")
	}
	if err := topic.ValidateName(t); err != nil {
		return fmt.Errorf("topic: %w", err)
	}
	return nil
}
