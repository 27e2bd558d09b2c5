// Package ui is mqttchat's screen: a Bubble Tea program with a status bar,
// a chat-style message list, a composer and a line of key help.
//
// It reads connection events in batches from the mqttconn queue (one
// tea.Msg per frame at most), does no I/O in Update (publishing is a
// command), and renders only the visible rows in View.
package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
)

// Conn is what the screen needs of the connection.
type Conn interface {
	Queue() *mqttconn.Queue
	Received() uint64
	Publish(mqttconn.Message) (uint64, error)
	Retry() // try to connect now
}

// HistoryStatus is what the screen shows of the history writer.
type HistoryStatus interface {
	NotWritten() uint64 // records that could not be written
	Err() error         // why writing stopped, or nil
}

// Options configure the screen.
type Options struct {
	Broker        string // the broker's address as shown
	Extra         string // more about the broker, e.g. the built-in broker's addresses
	ClientID      string
	Subscriptions []mqttconn.Subscription
	Topic         string // the composer's starting topic
	QoS           byte   // the composer's starting QoS
	MaxMessages   int    // cap of the in-memory window by count (default 50,000)
	MaxBytes      int    // cap of the in-memory window by bytes (default 64 MiB)
	Mouse         bool   // mouse capture is on at start
	Insecure      bool   // TLS without verification: warned about all the time

	History HistoryStatus    // the history writer, or nil when history is off
	Earlier []mqttconn.Event // messages from the history, shown above an "earlier" divider
	// RecallTopics and RecallTexts are what was sent before, most recent
	// first: Up and Down in the topic and text fields walk through them.
	RecallTopics, RecallTexts []string
	// OnSent, when set, is called (off the UI goroutine) with every topic and
	// text handed to the connection, to keep them for recall.
	OnSent func(topic, text string) error
}

// focus is the part of the screen that gets typing and arrow keys.
type focus int

const (
	focusText focus = iota
	focusTopic
	focusList
	focusCount
)

// Model is the root model of the screen.
type Model struct {
	conn     Conn
	keys     keyMap
	styles   Styles
	help     help.Model
	status   status
	list     messageList
	composer composer
	focus    focus
	width    int
	height   int
	fullHelp bool
	mouse    bool

	history   HistoryStatus
	onSent    func(topic, text string) error
	filtering bool            // the filter input has the keys
	filterIn  textinput.Model // what is typed after '/'
	filterErr string
}

// New returns the screen for a connection.
func New(conn Conn, opts Options) Model {
	keys := defaultKeyMap()
	m := Model{
		conn:     conn,
		keys:     keys,
		styles:   DefaultStyles(),
		help:     help.New(),
		list:     newMessageList(opts.MaxMessages, opts.MaxBytes),
		composer: newComposer(opts.Topic, opts.QoS, keys),
		mouse:    opts.Mouse,
		history:  opts.History,
		onSent:   opts.OnSent,
		filterIn: newFilterInput(),
		status: status{
			broker:   opts.Broker,
			extra:    opts.Extra,
			clientID: opts.ClientID,
			subs:     opts.Subscriptions,
			mouse:    opts.Mouse,
			insecure: opts.Insecure,
		},
	}
	m.composer.recall = newRecall(opts.RecallTopics, opts.RecallTexts)
	m.addEarlier(opts.Earlier)
	m.setSize(80, 24)
	return m
}

// Init starts reading connection events.
func (m Model) Init() tea.Cmd { return waitForEvents(m.conn, m.history) }

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
		return m, nil
	case eventsMsg:
		m.applyEvents(msg)
		return m, waitForEvents(m.conn, m.history)
	case publishResultMsg:
		if msg.err != nil {
			m.composer.err = msg.err.Error()
			return m, nil
		}
		m.composer.sent(msg.topic, msg.payload)
		return m, m.keepForRecall(msg.topic, msg.payload)
	case recallSavedMsg:
		if msg.err != nil {
			m.status.warning = "recall not saved: " + msg.err.Error()
		}
		return m, nil
	case tea.MouseMsg:
		return m.handleMouse(msg), nil
	case tea.KeyMsg:
		return m.handleKey(msg)
	}
	var cmd tea.Cmd
	m.composer, cmd = m.composer.update(msg, m.focus)
	return m, cmd
}

func (m Model) handleMouse(msg tea.MouseMsg) Model {
	if msg.Action != tea.MouseActionPress {
		return m
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		m.list.scroll(3)
	case tea.MouseButtonWheelDown:
		m.list.scroll(-3)
	}
	return m
}

func (m Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	if m.filtering && !key.Matches(msg, k.Quit) {
		return m.handleFilterKey(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help), m.focus == focusList && key.Matches(msg, k.ListHelp):
		m.fullHelp = !m.fullHelp
		m.layout()
		return m, nil
	case key.Matches(msg, k.NextFocus):
		return m, m.setFocus((m.focus + 1) % focusCount)
	case key.Matches(msg, k.PrevFocus):
		return m, m.setFocus((m.focus + focusCount - 1) % focusCount)
	case key.Matches(msg, k.CycleQoS):
		m.composer.cycleQoS()
		return m, nil
	case key.Matches(msg, k.Retain):
		m.composer.toggleRetain()
		return m, nil
	case key.Matches(msg, k.Mouse):
		m.mouse = !m.mouse
		m.status.mouse = m.mouse
		if m.mouse {
			return m, tea.EnableMouseCellMotion
		}
		return m, tea.DisableMouse
	case key.Matches(msg, k.Retry):
		conn := m.conn
		return m, func() tea.Msg { conn.Retry(); return nil }
	case key.Matches(msg, k.PageUp):
		m.list.scroll(m.list.page())
		return m, nil
	case key.Matches(msg, k.PageDown):
		m.list.scroll(-m.list.page())
		return m, nil
	case key.Matches(msg, k.Send) && m.focus != focusList:
		return m, m.send()
	case m.focus != focusList && key.Matches(msg, k.RecallPrev) && m.composer.recallStep(m.focus, +1):
		return m, nil
	case m.focus != focusList && key.Matches(msg, k.RecallNext) && m.composer.recallStep(m.focus, -1):
		return m, nil
	}
	if m.focus == focusList {
		switch {
		case key.Matches(msg, k.Filter):
			return m, m.openFilter()
		case key.Matches(msg, k.ClearFilter):
			m.applyFilter("")
			m.filterIn.SetValue("")
		case key.Matches(msg, k.Up):
			m.list.scroll(1)
		case key.Matches(msg, k.Down):
			m.list.scroll(-1)
		case key.Matches(msg, k.Top):
			m.list.scrollToTop()
		case key.Matches(msg, k.Bottom):
			m.list.scrollToBottom()
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.composer, cmd = m.composer.update(msg, m.focus)
	return m, cmd
}

// send validates the composer and publishes what it holds.
func (m *Model) send() tea.Cmd {
	draft, ok, err := m.composer.draft()
	if err != nil {
		m.composer.err = err.Error()
		return nil
	}
	if !ok {
		return nil
	}
	m.composer.err = ""
	return publish(m.conn, draft)
}

func (m *Model) setFocus(f focus) tea.Cmd {
	m.focus = f
	return m.composer.focus(f)
}

func (m *Model) setSize(w, h int) {
	m.width, m.height = max(w, 10), max(h, 5)
	m.status.width = m.width
	m.help.Width = m.width
	m.composer.setWidth(m.width)
	m.layout()
}

// layout gives the list what the other parts leave.
func (m *Model) layout() {
	fixed := 2 + 1 + m.composer.height() + strings.Count(m.helpView(), "\n") + 1
	oldWidth := m.list.width
	m.list.setSize(m.width, m.height-fixed)
	if oldWidth != m.list.width {
		m.list.invalidateAll()
	}
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
	if m.filtering || m.list.filter != nil {
		text += fmt.Sprintf(" · filter /%s · %d of %d", m.filterIn.View(), m.list.visibleLen(), m.list.Len())
		if m.filterErr != "" {
			text += " · " + m.filterErr
		}
	}
	if !m.list.atBottom() {
		text += fmt.Sprintf(" · scrolled up · ↓ %d new below (end to follow)", m.list.newBelow)
	}
	return style.Render(ansi.Truncate(text, m.width, "…"))
}

// View draws the screen. Its cost depends on the visible rows only.
func (m Model) View() string {
	parts := []string{
		m.status.View(&m.styles),
		m.listTitle(),
		m.list.View(&m.styles),
		m.composer.View(m.focus, &m.styles, m.keys),
		m.helpView(),
	}
	return strings.Join(parts, "\n")
}
