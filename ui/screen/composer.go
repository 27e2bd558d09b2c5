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
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/topic"
	"mqttchat/ui/sanitize"
)

// composerTextHeight is the text field's height in rows.
const composerTextHeight = 3

// composerHeaderExtra is the width the header needs beside the topic field:
// its label, the QoS and retain settings with their keys, and the cursor.
const composerHeaderExtra = 48

// composerKeys are the keys of the topic and text fields. None of them
// publishes or changes what is published on a key people press by habit
// for something else (Ctrl+X is nano's exit, Ctrl+R a shell's search,
// Ctrl+Q many programs' quit): those live on Alt.
type composerKeys struct {
	Send       key.Binding
	Newline    key.Binding
	Complete   key.Binding // Tab completes a /command being typed
	RecallPrev key.Binding
	RecallNext key.Binding
	CycleQoS   key.Binding
	Retain     key.Binding
	SendEmpty  key.Binding
}

func newComposerKeys() composerKeys {
	return composerKeys{
		Send:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		Newline:    key.NewBinding(key.WithKeys("alt+enter", "ctrl+j"), key.WithHelp("alt+enter", "new line")),
		Complete:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete the command")),
		RecallPrev: key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "earlier sent texts/topics")),
		RecallNext: key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "later sent text/topic")),
		CycleQoS:   key.NewBinding(key.WithKeys("alt+q"), key.WithHelp("alt+q", "QoS 0/1/2")),
		Retain:     key.NewBinding(key.WithKeys("alt+r"), key.WithHelp("alt+r", "retain on/off")),
		SendEmpty:  key.NewBinding(key.WithKeys("alt+e"), key.WithHelp("alt+e", "send an empty payload")),
	}
}

// ShortHelp is the help line while a field of the composer has the focus.
func (k composerKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Send, k.Complete, k.Newline, k.RecallPrev, k.CycleQoS, k.Retain}
}

// FullHelp lists every composer key.
func (k composerKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Send, k.Newline, k.Complete, k.RecallPrev}, {k.CycleQoS, k.Retain, k.SendEmpty}}
}

// submission is what Enter handed over: a command line to run, or a message
// to publish. The composer is already empty when the root reads it, so a
// second Enter cannot send it again.
type submission struct {
	command string           // a /command line, or ""
	draft   mqttconn.Message // otherwise: the message to publish
	text    string           // the text as typed, given back if refused
	empty   bool             // an empty payload sent on purpose
}

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
	keys   composerKeys
	props  pubProps      // MQTT 5 properties on every message sent, until cleared
	reply  *replyContext // a received request the next message to its response topic answers

	submitted *submission // taken by the root after each update
}

func newComposer(startTopic string, qos byte) composer {
	keys := newComposerKeys()
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
	c := composer{topic: ti, text: ta, qos: qos, keys: keys}
	c.updateKeys()
	return c
}

func (c *composer) setWidth(w int) {
	c.width = w
	c.topic.Width = max(w-composerHeaderExtra, 8)
	c.text.SetWidth(max(w, 4))
}

// height is the number of rows View draws.
func (c *composer) height() int { return 1 + composerTextHeight + 1 }

// focus gives typing to the topic field or the text field, or neither.
func (c *composer) focus(f focus) tea.Cmd {
	c.topic.Blur()
	c.text.Blur()
	c.text.Prompt = "  "
	var cmd tea.Cmd
	switch f {
	case focusTopic:
		cmd = c.topic.Focus()
	case focusText:
		c.text.Prompt = "┃ "
		cmd = c.text.Focus()
	}
	c.updateKeys()
	return cmd
}

// focused reports whether one of the composer's fields has the keys.
func (c *composer) focused() bool { return c.topic.Focused() || c.text.Focused() }

// updateKeys enables the bindings that do something in the current state,
// so the help line never shows a key that does nothing.
func (c *composer) updateKeys() {
	on := c.focused()
	c.keys.Send.SetEnabled(on)
	c.keys.Newline.SetEnabled(c.text.Focused())
	c.keys.Complete.SetEnabled(c.text.Focused() && isCommandLine(c.text.Value()) && !strings.Contains(c.text.Value(), " "))
	c.keys.RecallPrev.SetEnabled(on)
	c.keys.RecallNext.SetEnabled(on)
	c.keys.CycleQoS.SetEnabled(true)
	c.keys.Retain.SetEnabled(true)
	c.keys.SendEmpty.SetEnabled(on)
}

// update handles a key or message while a composer field has the focus (the
// QoS and retain keys also from the list and the rooms).
func (c composer) update(msg tea.Msg) (composer, tea.Cmd) {
	c.updateKeys()
	c, cmd := c.handle(msg)
	c.updateKeys()
	return c, cmd
}

func (c composer) handle(msg tea.Msg) (composer, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return c.forward(msg)
	}
	c.err = ""
	switch {
	case key.Matches(k, c.keys.CycleQoS):
		c.qos = (c.qos + 1) % 3
		return c, nil
	case key.Matches(k, c.keys.Retain):
		c.retain = !c.retain
		return c, nil
	case !c.focused():
		return c, nil
	case key.Matches(k, c.keys.Send):
		c.submit()
		return c, nil
	case key.Matches(k, c.keys.SendEmpty):
		c.submitEmpty()
		return c, nil
	case key.Matches(k, c.keys.Complete):
		c.text.SetValue(completeCommand(c.text.Value()))
		c.hint = commandHint(c.text.Value())
		return c, nil
	case key.Matches(k, c.keys.RecallPrev) && c.recallStep(+1):
		return c, nil
	case key.Matches(k, c.keys.RecallNext) && c.recallStep(-1):
		return c, nil
	}
	c, cmd := c.forward(msg)
	c.hint = commandHint(c.text.Value())
	return c, cmd
}

// forward gives a message to the focused field.
func (c composer) forward(msg tea.Msg) (composer, tea.Cmd) {
	var cmd tea.Cmd
	switch {
	case c.topic.Focused():
		c.topic, cmd = c.topic.Update(msg)
	case c.text.Focused():
		c.text, cmd = c.text.Update(msg)
	}
	return c, cmd
}

// typeText inserts typed text into the text field whatever has the focus:
// what is typed while a question shows is kept, not lost.
func (c *composer) typeText(s string) {
	c.text.InsertString(s)
	c.hint = commandHint(c.text.Value())
	c.updateKeys()
}

// submit empties the composer and hands what it held to the root: a
// command line, or a valid message. An invalid message stays, with why.
func (c *composer) submit() {
	text := c.text.Value()
	if text == "" {
		if c.topic.Focused() {
			c.err = "nothing to send: write the message in the text field (shift+tab); alt+e sends an empty payload"
		}
		return
	}
	if c.text.Focused() && isCommandLine(text) {
		c.submitted = &submission{command: text, text: text}
		c.clearText()
		return
	}
	draft, err := c.draft()
	if err != nil {
		c.err = err.Error()
		return
	}
	c.submitted = &submission{draft: draft, text: text}
	c.clearText()
}

// submitEmpty hands over an empty payload for the topic in the field.
func (c *composer) submitEmpty() {
	t := c.topic.Value()
	if err := checkTopic(t); err != nil {
		c.err = err.Error()
		return
	}
	c.submitted = &submission{draft: mqttconn.Message{Topic: t, Payload: []byte{}, QoS: c.qos, Retained: c.retain}, empty: true}
}

// takeSubmitted returns what the last update submitted, once.
func (c *composer) takeSubmitted() (submission, bool) {
	s := c.submitted
	c.submitted = nil
	if s == nil {
		return submission{}, false
	}
	return *s, true
}

func (c *composer) clearText() {
	c.text.Reset()
	c.hint = ""
	c.recall.texts.pos = -1
}

// refused gives back text whose sending was refused: into the empty field,
// or, when something new was typed meanwhile, into the recall list (Up).
func (c *composer) refused(text string, why string) {
	c.err = why
	if text == "" {
		return
	}
	if c.text.Value() == "" {
		c.text.SetValue(text)
		return
	}
	c.recall.texts.add(text)
	c.err += " — the text is one Up away"
}

// draft validates what is written and returns it as a message to publish.
func (c *composer) draft() (mqttconn.Message, error) {
	payload := c.text.Value()
	t := c.topic.Value()
	if err := checkTopic(t); err != nil {
		return mqttconn.Message{}, err
	}
	if strings.HasPrefix(payload, "//") {
		payload = payload[1:] // "//text" sends "/text"
	}
	m := mqttconn.Message{Topic: t, Payload: []byte(payload), QoS: c.qos, Retained: c.retain, Properties: c.props.properties()}
	if r := c.reply; r != nil && r.topic == t {
		// The answer to a request: its correlation data (if it had any),
		// once; then the composer writes where it did before (a response
		// topic is a private channel, not a room to go on in).
		c.reply = nil
		if r.back != "" && r.back != r.topic {
			c.topic.SetValue(r.back)
			c.topic.CursorEnd()
		}
		if r.correlation == nil {
			return m, nil
		}
		if m.Properties == nil {
			m.Properties = &mqttconn.Properties{}
		}
		m.Properties.CorrelationData = r.correlation
	}
	return m, nil
}

// summary is the composer's last line when no error or hint shows: the
// properties set and the request being answered, or "".
func (c *composer) summary() string {
	s := c.props.summary()
	if r := c.reply; r != nil {
		answer := "↩ answers a request on " + sanitize.String(r.topic)
		if s != "" {
			return answer + " · " + s
		}
		return answer
	}
	return s
}

// recallStep replaces the focused field with an earlier (dir +1) or later
// (dir -1) sent value. In the text field it does so only from its first line
// going back and its last line going forward, so that arrows still move
// between the lines of a multi-line text. It reports whether it did.
func (c *composer) recallStep(dir int) bool {
	switch {
	case c.topic.Focused():
		v, ok := c.recall.topics.step(c.topic.Value(), dir)
		if ok {
			c.topic.SetValue(v)
			c.topic.CursorEnd()
		}
		return ok
	case c.text.Focused():
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

// View draws the header (where Enter publishes, QoS, retain), the text and
// a line for an error or a command's hint. The topic is drawn in its room's
// colour, and bold: a cue that stays without colour.
func (c *composer) View(s *Styles, topicStyle lipgloss.Style) string {
	c.topic.TextStyle = topicStyle.Bold(true)
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
	header := label("to", c.topic.Focused()) + " " + displayStyled(c.topic.View(), c.width) +
		s.Label.Render(fmt.Sprintf("  QoS %d (%s)  retain %s (%s)", c.qos,
			firstKey(c.keys.CycleQoS), retain, firstKey(c.keys.Retain)))
	header = ansi.Truncate(header, c.width, "…")
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("\n")
	lines := strings.Split(c.text.View(), "\n")
	for i, l := range lines {
		lines[i] = displayStyled(l, c.width)
	}
	b.WriteString(strings.Join(lines, "\n"))
	b.WriteString("\n")
	switch {
	case c.err != "":
		b.WriteString(s.Error.Render(ansi.Truncate("✗ "+c.err, c.width, "…")))
	case c.hint != "":
		b.WriteString(s.Hint.Render(ansi.Truncate(c.hint, c.width, "…")))
	default:
		if sum := c.summary(); sum != "" {
			b.WriteString(s.Hint.Render(ansi.Truncate(sum, c.width, "…")))
		}
	}
	return b.String()
}

// checkTopic validates the topic field, saying how to fill an empty one.
func checkTopic(t string) error {
	if t == "" {
		return errors.New("topic: no topic to publish to — Tab to the topic field, or type /topic NAME")
	}
	if err := topic.ValidateName(t); err != nil {
		return fmt.Errorf("topic: %w", err)
	}
	return checkMQTTString("topic:", t)
}
