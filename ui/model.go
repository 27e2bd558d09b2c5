// Package ui is mqttchat's screen: a Bubble Tea program with a status bar,
// a chat-style message list, a composer and a line of key help.
//
// It reads connection events in batches from the mqttconn queue (one
// tea.Msg per frame at most), does no I/O in Update (publishing is a
// command), and renders only the visible rows in View.
package ui

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
	"mqttchat/ui/payload"
	"mqttchat/ui/sanitize"
)

// Conn is what the screen needs of the connection.
type Conn interface {
	Queue() *mqttconn.Queue
	Received() uint64
	Publish(mqttconn.Message) (uint64, error)
	Retry()                                  // try to connect now
	Subscribe(filter string, qos byte) error // add to the wanted set, at once when connected
	Unsubscribe(filter string) error         // remove from it
	Pending() int                            // messages sent but not yet delivered
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
	// LoadPayload reads a whole payload back from the history when the list
	// held only its start; nil when history is off.
	LoadPayload PayloadLoader
	// Clipboard is the terminal, for copies through OSC 52.
	Clipboard io.Writer
	// OutboxKept says undelivered messages outlive the program (a
	// persistent session's disk outbox), so quitting need not ask.
	OutboxKept bool
	// OtherClients counts the other clients of the built-in broker, which
	// quitting disconnects (so the first Ctrl+C asks); nil otherwise.
	OtherClients func() int
	// OnPanic, when set, sees a panic in Update or View (with its stack)
	// before Bubble Tea restores the terminal and ends the program.
	OnPanic func(r any, stack []byte)
	// Warning is a problem found before the screen started, shown at once.
	Warning string
}

// focus is the part of the screen that gets typing and arrow keys.
type focus int

const (
	focusText focus = iota
	focusTopic
	focusList
	focusRooms
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

	history   HistoryStatus
	onSent    func(topic, text string) error
	filtering bool            // the filter input has the keys
	filterIn  textinput.Model // what is typed after '/'
	filterErr string

	detail    *detailView   // a message opened in full
	confirm   *confirmation // a question waiting for y or n
	load      PayloadLoader
	clipboard io.Writer

	rooms          roomsPane
	rate           rateMeter
	now            time.Time // the clock, from the one-second tick
	otherClientsFn func() int
	otherClients   int  // from the last tick
	quitArmed      bool // Ctrl+C was pressed once while quitting would cost something
	outboxKept     bool // undelivered messages are kept on disk for the next start
	onPanic        func(any, []byte)
}

// confirmation is a question that guards an action.
type confirmation struct {
	prompt string
	yes    tea.Cmd
}

// New returns the screen for a connection.
func New(conn Conn, opts Options) Model {
	keys := defaultKeyMap()
	m := Model{
		conn:           conn,
		keys:           keys,
		styles:         DefaultStyles(),
		help:           help.New(),
		list:           newMessageList(opts.MaxMessages, opts.MaxBytes),
		composer:       newComposer(opts.Topic, opts.QoS, keys),
		history:        opts.History,
		onSent:         opts.OnSent,
		load:           opts.LoadPayload,
		clipboard:      opts.Clipboard,
		rooms:          newRoomsPane(opts.Subscriptions),
		otherClientsFn: opts.OtherClients,
		outboxKept:     opts.OutboxKept,
		onPanic:        opts.OnPanic,
		filterIn:       newFilterInput(),
		status: status{
			broker:   opts.Broker,
			extra:    opts.Extra,
			clientID: opts.ClientID,
			mouse:    opts.Mouse,
			insecure: opts.Insecure,
			problems: []string{opts.Warning},
		},
	}
	m.composer.recall = newRecall(opts.RecallTopics, opts.RecallTexts)
	if opts.Warning == "" {
		m.status.problems = nil
	}
	m.addEarlier(opts.Earlier)
	m.setSize(80, 24)
	return m
}

// Init starts reading connection events.
func (m Model) Init() tea.Cmd {
	return tea.Batch(waitForEvents(m.conn, m.history), tick(m.otherClientsFn))
}

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer m.reportPanic()
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
	case tickMsg:
		m.now, m.otherClients = msg.at, msg.otherClients
		m.rooms.tick()
		m.rate.sample(m.status.received)
		m.status.rate = m.rate.label()
		return m, tick(m.otherClientsFn)
	case commandDoneMsg:
		if msg.err != nil {
			m.status.warning = msg.err.Error()
		}
		return m, nil
	case fileReadMsg:
		m.fileRead(msg)
		return m, nil
	case recallSavedMsg:
		if msg.err != nil {
			m.status.warning = "recall not saved: " + msg.err.Error()
		}
		return m, nil
	case tea.MouseMsg:
		return m.handleMouse(msg)
	case payloadLoadedMsg:
		if m.detail != nil && m.detail.e.seq == msg.seq {
			m.detail.loaded(msg, &m.styles)
		}
		return m, nil
	case copiedMsg:
		notice := fmt.Sprintf("copied %d bytes (%s) to the terminal's clipboard — OSC 52; the terminal does not confirm", msg.n, msg.what)
		if msg.err != nil {
			notice = "not copied: " + msg.err.Error()
		}
		if m.detail != nil {
			m.detail.notice = notice
		} else {
			m.status.warning = notice
		}
		return m, nil
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			return m.typeRunes(msg)
		}
		return m.handleKey(msg)
	}
	var cmd tea.Cmd
	m.composer, cmd = m.composer.update(msg, m.focus)
	return m, cmd
}

// listTop is the screen row where the list starts: below the two-line
// status bar and the list's title.
const listTop = 3

func (m Model) handleMouse(msg tea.MouseMsg) (tea.Model, tea.Cmd) {
	if msg.Action != tea.MouseActionPress {
		return m, nil
	}
	if m.detail != nil {
		var cmd tea.Cmd
		m.detail.vp, cmd = m.detail.vp.Update(msg)
		return m, cmd
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		m.list.scroll(3)
	case tea.MouseButtonWheelDown:
		m.list.scroll(-3)
	case tea.MouseButtonLeft:
		if m.rooms.visible(m.width) && msg.X >= m.listWidth() {
			if i := m.rooms.rowAt(msg.Y - 2); i >= 0 {
				m.rooms.selectAt(i)
				m.showRoom()
				return m, m.setFocus(focusRooms)
			}
			return m, nil
		}
		row := msg.Y - listTop
		if row < 0 || row >= m.list.height {
			return m, nil
		}
		before, had := m.list.sel, m.list.hasSel
		if !m.list.selectRow(row) {
			return m, nil
		}
		cmd := m.setFocus(focusList)
		if had && before == m.list.sel {
			return m, tea.Batch(cmd, m.openSelected())
		}
		return m, cmd
	}
	return m, nil
}

// openSelected opens the selected message in the detail view.
func (m *Model) openSelected() tea.Cmd {
	e, ok := m.list.selected()
	if !ok || e.kind == entryEvent {
		return nil
	}
	d, cmd := newDetail(e, m.load)
	d.setSize(m.width, m.detailHeight(), &m.styles)
	m.detail = &d
	return cmd
}

func (m Model) detailHeight() int { return m.height - 2 - 1 }

// handleDetailKey handles keys while a message is open.
func (m Model) handleDetailKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k, d := m.keys, m.detail
	switch {
	case key.Matches(msg, k.Back):
		m.detail = nil
		return m, nil
	case key.Matches(msg, k.ViewText):
		d.setMode(payload.ModeText, &m.styles)
	case key.Matches(msg, k.ViewJSON):
		d.setMode(payload.ModeJSON, &m.styles)
	case key.Matches(msg, k.ViewHex):
		d.setMode(payload.ModeHex, &m.styles)
	case key.Matches(msg, k.ViewBase64):
		d.setMode(payload.ModeBase64, &m.styles)
	case key.Matches(msg, k.CopyPayload):
		return m, copyToClipboard(m.clipboard, "payload", d.copyText(&m.styles))
	case key.Matches(msg, k.CopyTopic):
		return m, copyToClipboard(m.clipboard, "topic", d.e.topic)
	default:
		var cmd tea.Cmd
		d.vp, cmd = d.vp.Update(msg)
		return m, cmd
	}
	return m, nil
}

// handleConfirmKey answers the open question.
func (m Model) handleConfirmKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Confirm):
		yes := m.confirm.yes
		m.confirm = nil
		return m, yes
	case key.Matches(msg, m.keys.Cancel):
		m.confirm = nil
	}
	return m, nil
}

func (m Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	if !key.Matches(msg, k.Quit) && m.quitArmed {
		m.quitArmed = false
		m.status.warning = ""
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m, m.quit()
	case m.confirm != nil:
		return m.handleConfirmKey(msg)
	case m.detail != nil:
		return m.handleDetailKey(msg)
	case m.filtering:
		return m.handleFilterKey(msg)
	}
	switch {
	case key.Matches(msg, k.Help), m.focus == focusList && key.Matches(msg, k.ListHelp):
		m.fullHelp = !m.fullHelp
		m.layout()
		return m, nil
	case key.Matches(msg, k.NextFocus) && m.focus == focusText && isCommandLine(m.composer.text.Value()):
		m.composer.text.SetValue(completeCommand(m.composer.text.Value()))
		m.composer.hint = commandHint(m.composer.text.Value())
		return m, nil
	case key.Matches(msg, k.NextFocus):
		return m, m.setFocus(m.nextFocus(+1))
	case key.Matches(msg, k.PrevFocus):
		return m, m.setFocus(m.nextFocus(-1))
	case key.Matches(msg, k.ToggleRooms):
		m.rooms.shown = !m.rooms.shown
		if m.focus == focusRooms {
			m.setFocus(focusList)
		}
		m.layout()
		return m, nil
	case key.Matches(msg, k.Pause), m.focus == focusList && key.Matches(msg, k.PauseInList):
		m.togglePause()
		return m, nil
	case key.Matches(msg, k.CycleQoS):
		m.composer.cycleQoS()
		return m, nil
	case key.Matches(msg, k.Retain):
		m.composer.toggleRetain()
		return m, nil
	case key.Matches(msg, k.Mouse):
		m.status.mouse = !m.status.mouse
		if m.status.mouse {
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
	case key.Matches(msg, k.SendEmpty) && m.focus != focusList:
		return m, m.sendEmpty()
	case m.focus != focusList && key.Matches(msg, k.RecallPrev) && m.composer.recallStep(m.focus, +1):
		return m, nil
	case m.focus != focusList && key.Matches(msg, k.RecallNext) && m.composer.recallStep(m.focus, -1):
		return m, nil
	}
	if m.focus == focusRooms {
		switch {
		case key.Matches(msg, k.Up):
			m.rooms.move(-1)
			m.showRoom()
		case key.Matches(msg, k.Down):
			m.rooms.move(1)
			m.showRoom()
		case key.Matches(msg, k.Top):
			m.rooms.selectAt(0)
			m.showRoom()
		}
		return m, nil
	}
	if m.focus == focusList {
		switch {
		case key.Matches(msg, k.Filter):
			return m, m.openFilter()
		case key.Matches(msg, k.ClearFilter):
			m.applyFilter("")
			m.filterIn.SetValue("")
		case key.Matches(msg, k.Open):
			return m, m.openSelected()
		case key.Matches(msg, k.Up):
			m.list.moveSelection(-1)
		case key.Matches(msg, k.Down):
			m.list.moveSelection(1)
		case key.Matches(msg, k.Top):
			m.list.selectIndex(0)
		case key.Matches(msg, k.Bottom):
			m.list.scrollToBottom()
			m.list.selectIndex(m.list.visibleLen() - 1)
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.composer, cmd = m.composer.update(msg, m.focus)
	m.composer.hint = commandHint(m.composer.text.Value())
	return m, cmd
}

// typeRunes handles typed text one rune at a time. Bubble Tea delivers a
// fast-typed word as one message whose String() is the word itself, so the
// word "down" would match the Down arrow's binding (and the text area's),
// and be lost as a cursor move. One rune never spells a key name.
func (m Model) typeRunes(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	var next tea.Model = m
	for _, r := range msg.Runes {
		var cmd tea.Cmd
		next, cmd = next.(Model).handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
		cmds = append(cmds, cmd)
	}
	return next, tea.Batch(cmds...)
}

// quit ends the program, but asks first (a second Ctrl+C) when quitting
// would drop messages not yet delivered, or take down the built-in broker
// that other clients use.
func (m *Model) quit() tea.Cmd {
	if m.quitArmed {
		return tea.Quit
	}
	var costs []string
	if n := m.conn.Pending(); n > 0 && !m.outboxKept {
		costs = append(costs, fmt.Sprintf("%d %s not delivered yet", n, plural(n, "message", "messages")))
	}
	if m.otherClients > 0 {
		costs = append(costs, fmt.Sprintf("%d other %s the built-in broker", m.otherClients, plural(m.otherClients, "client uses", "clients use")))
	}
	if len(costs) == 0 {
		return tea.Quit
	}
	m.quitArmed = true
	m.status.warning = strings.Join(costs, "; ") + ": Ctrl+C again quits" + quitCost(len(costs) > 1, m.otherClients > 0)
	return nil
}

// quitCost is what a second Ctrl+C gives up.
func quitCost(both, others bool) string {
	switch {
	case both:
		return ", drops the messages and disconnects the other clients"
	case others:
		return " and disconnects them"
	}
	return " and drops them"
}

// nextFocus is the next part in Tab order (dir -1: Shift+Tab), skipping the
// rooms pane while it is hidden.
func (m *Model) nextFocus(dir int) focus {
	f := m.focus
	for range focusCount {
		f = (f + focus(focusCount) + focus(dir)) % focusCount
		if f != focusRooms || m.rooms.visible(m.width) {
			return f
		}
	}
	return focusText
}

// showRoom narrows the list to the selected room ("all": everything).
func (m *Model) showRoom() {
	m.filterIn.SetValue("")
	m.filterErr = ""
	if r := m.rooms.current(); r != nil {
		m.list.setFilter(&listFilter{topicFilter: r.filter})
		return
	}
	m.list.setFilter(nil)
}

// togglePause freezes or resumes the list.
func (m *Model) togglePause() {
	m.list.paused = !m.list.paused
	if !m.list.paused {
		m.list.scrollToBottom()
	}
}

// sendEmpty publishes an empty payload on purpose; an empty retained
// message clears the topic's retained message, so it asks first.
func (m *Model) sendEmpty() tea.Cmd {
	draft, err := m.composer.emptyDraft()
	if err != nil {
		m.composer.err = err.Error()
		return nil
	}
	if draft.Retained {
		m.confirm = &confirmation{
			prompt: fmt.Sprintf("Publish an empty retained message to %s? It clears the topic's retained message. (y/n)", sanitize.String(draft.Topic)),
			yes:    publish(m.conn, draft),
		}
		return nil
	}
	return publish(m.conn, draft)
}

// send runs a command line, or validates the composer and publishes what
// it holds ("//text" publishes "/text").
func (m *Model) send() tea.Cmd {
	if text := m.composer.text.Value(); m.focus == focusText && isCommandLine(text) {
		cmd, err := m.runCommand(text)
		if err != nil {
			m.composer.err = err.Error()
			return nil
		}
		m.composer.text.Reset()
		m.composer.hint = ""
		m.composer.err = ""
		return cmd
	}
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
	if _, ok := m.list.selected(); f == focusList && !ok {
		m.list.moveSelection(0) // the bottom row on screen
	}
	return m.composer.focus(f)
}

func (m *Model) setSize(w, h int) {
	m.width, m.height = max(w, 10), max(h, 5)
	if m.detail != nil {
		m.detail.setSize(m.width, m.detailHeight(), &m.styles)
	}
	m.status.width = m.width
	m.help.Width = m.width
	m.composer.setWidth(m.width)
	m.layout()
}

// layout gives the list what the other parts leave.
func (m *Model) layout() {
	fixed := 2 + 1 + m.composer.height() + strings.Count(m.helpView(), "\n") + 1
	oldWidth := m.list.width
	m.list.setSize(m.listWidth(), m.height-fixed)
	if oldWidth != m.list.width {
		m.list.invalidateAll()
	}
}

// listWidth is what the rooms pane leaves of the width.
func (m Model) listWidth() int {
	if m.rooms.visible(m.width) {
		return m.width - roomsWidth
	}
	return m.width
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
	if m.filtering || m.filterIn.Value() != "" {
		text += fmt.Sprintf(" · filter /%s · %d of %d", m.filterIn.View(), m.list.visibleLen(), m.list.Len())
		if m.filterErr != "" {
			text += " · " + m.filterErr
		}
	}
	if r := m.rooms.current(); r != nil {
		text += " · room " + sanitize.String(r.filter) + fmt.Sprintf(" · %d of %d", m.list.visibleLen(), m.list.Len())
	}
	switch {
	case m.list.paused:
		text += fmt.Sprintf(" · paused — %d new (F4 resumes)", m.list.newBelow)
	case !m.list.atBottom():
		text += fmt.Sprintf(" · scrolled up · ↓ %d new below (end to follow)", m.list.newBelow)
	}
	return style.Render(ansi.Truncate(text, m.listWidth(), "…"))
}

// reportPanic hands a panic to OnPanic and lets it go on to Bubble Tea.
func (m Model) reportPanic() {
	if m.onPanic == nil {
		return
	}
	if r := recover(); r != nil {
		m.onPanic(r, debug.Stack())
		panic(r)
	}
}

// View draws the screen. Its cost depends on the visible rows only.
func (m Model) View() string {
	defer m.reportPanic()
	if m.detail != nil {
		return strings.Join([]string{
			m.status.View(&m.styles, m.rooms.subscriptions()),
			m.detail.View(&m.styles),
			ansi.Truncate(m.help.ShortHelpView(m.keys.DetailHelp()), m.width, "…"),
		}, "\n")
	}
	composer := m.composer.View(m.focus, &m.styles, m.keys)
	if m.confirm != nil {
		composer = strings.TrimSuffix(composer, "\n"+lastLine(composer)) + "\n" + m.styles.Warn.Render(ansi.Truncate(m.confirm.prompt, m.width, "…"))
	}
	var middle string
	if m.rooms.visible(m.width) {
		// Side by side, line by line: the list's rows are padded from their
		// cached widths, so no line is measured or wrapped again.
		title := m.listTitle()
		left := append([]string{title + strings.Repeat(" ", max(m.listWidth()-ansi.StringWidth(title), 0))},
			m.list.rows(&m.styles, m.focus == focusList, true)...)
		right := strings.Split(m.rooms.View(&m.styles, m.list.height+1, m.focus == focusRooms, m.now), "\n")
		var b strings.Builder
		for i, l := range left {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(l)
			if i < len(right) {
				b.WriteString(right[i])
			}
		}
		middle = b.String()
	} else {
		middle = m.listTitle() + "\n" + m.list.View(&m.styles, m.focus == focusList)
	}
	parts := []string{
		m.status.View(&m.styles, m.rooms.subscriptions()),
		middle,
		composer,
		m.helpView(),
	}
	return strings.Join(parts, "\n")
}

// lastLine is the text after the last newline.
func lastLine(s string) string {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
