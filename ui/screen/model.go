// Package screen is mqttchat's screen: a Bubble Tea program with a status bar,
// a chat-style message list, a composer and a line of key help.
//
// It reads connection events in batches from the mqttconn queue (one
// tea.Msg per frame at most), does no I/O in Update (publishing is a
// command), and renders only the visible rows in View.
package screen

import (
	"io"
	"runtime/debug"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
	"mqttchat/ui/echo"
	"mqttchat/ui/packets"
	"mqttchat/ui/topics"
)

// Conn is what the screen needs of the connection.
type Conn interface {
	Queue() *mqttconn.Queue
	Received() uint64
	Publish(mqttconn.Message) (uint64, error)
	Retry()                                    // try to connect now
	Subscribe(filter string, qos byte) error   // add to the wanted set, at once when connected
	SubscribeWith(mqttconn.Subscription) error // the same, with MQTT 5 subscription options
	Unsubscribe(filter string) error           // remove from it
	Pending() int                              // messages sent but not yet delivered
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
	Topic         string // the composer's starting topic; "" takes the last one sent, or DefaultTopic
	QoS           byte   // the composer's starting QoS
	MaxMessages   int    // cap of the in-memory window by count (default 50,000)
	MaxBytes      int    // cap of the in-memory window by bytes (default 64 MiB)
	RowLines      int    // the most lines a text message wraps to in the list (default 4)
	Mouse         bool   // mouse capture is on at start
	NoColor       bool   // NO_COLOR: attributes only (the caller renders with an ANSI profile)
	Insecure      bool   // TLS without verification: warned about all the time
	MQTT5         bool   // the connection speaks MQTT 5: /sub takes subscription options, the composer sets properties, /request works
	AssignID      bool   // MQTT 5: the broker assigns the client id (ClientID is "" until it does)
	// Name is our sender's name (--name), "" for none: a sent message
	// that names another sender (a replayed one of another copy sharing
	// the history) is shown as that sender's, not as "you".
	Name string

	History HistoryStatus // the history writer, or nil when history is off
	Earlier []Replayed    // messages from the history, shown above an "earlier" divider
	// RecallTopics and RecallTexts are what was sent before, most recent
	// first: Up and Down in the topic and text fields walk through them.
	RecallTopics, RecallTexts []string
	// OnSent, when set, is called (off the UI goroutine) with every topic and
	// text handed to the connection, to keep them for recall.
	OnSent func(topic, text string) error
	// LoadPayload reads a whole payload back from the history when the list
	// held only its start; nil when history is off.
	LoadPayload PayloadLoader
	// Search runs a history search (/search, s in the list) off the UI
	// goroutine; nil when history is off.
	Search SearchFunc
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
	// Packets, when set, feeds the packets view (F7): every MQTT packet on
	// the wire (mqttconn.Config.OnPacket = Packets.Observe).
	Packets *packets.Feed
	// RequestTimeout is how long a /request waits for its reply before
	// saying none came (default DefaultRequestTimeout).
	RequestTimeout time.Duration
}

// Model is the root model of the screen. It holds one mode and one focus;
// each part (composer, list, rooms, detail, help, question) owns its keys
// and its help, and the root routes to them (see mode).
type Model struct {
	conn     Conn
	refs     serverRefs // MQTT 5 Server References: asked about after each batch
	keys     screenKeys
	styles   *Styles
	help     help.Model
	status   status
	list     listPart
	composer *composer // a pointer, as topics (17 KB)
	rooms    roomsPane
	detail   *detailView // the open message (modeDetail, or under a question)
	// detailFrom is the mode the detail view returns to: the chat or the
	// topics view.
	detailFrom mode
	helpFrom   mode           // the mode the full help returns to
	topics     *topics.Model  // a pointer: the Model is copied with every Update, and the view is 20 KB
	clearing   *clearRun      // a clear of retained messages in progress
	packets    *packets.Model // a pointer, as topics (12 KB)
	packetFeed *packets.Feed
	helpView   helpView
	search     searchPart // a history search's results (modeSearch, or under its detail)
	question   *question  // the open question (modeQuestion)
	mode       mode
	focus      focus
	width      int
	height     int

	history   HistoryStatus
	onSent    func(topic, text string) error
	load      PayloadLoader
	clipboard io.Writer

	searchFn     SearchFunc
	searchStream tea.Cmd // waits for the running search's next hits

	echo           *echo.Matcher[*entry] // our sent messages awaiting their echo
	replayedOut    map[replayKey]*entry  // replayed rows of our messages, for the outbox's re-sends
	rate           rateMeter
	now            time.Time // the clock, from the one-second tick
	otherClientsFn func() int
	otherClients   int  // from the last tick
	outboxKept     bool // undelivered messages are kept on disk for the next start
	onPanic        func(any, []byte)

	v5              bool               // MQTT 5: subscription options, properties and requests
	name            string             // our sender's name (Options.Name)
	replyTopic      string             // the response topic of our requests
	replySubscribed bool               // replyTopic was subscribed to
	requestTimeout  time.Duration      // how long a request waits for its reply
	threads         map[string]*thread // our requests by correlation data
	threadOrder     []string           // their correlation data, oldest first
}

// DefaultTopic is where the composer publishes when nothing says otherwise
// (no -t without wildcards, nothing sent before): two fresh copies on one
// broker, both subscribed to "#", chat here without any set-up.
const DefaultTopic = "chat/lobby"

// startTopic is the composer's first topic: the given one, else the last
// one sent (recall), else DefaultTopic.
func startTopic(given string, recalled []string) string {
	switch {
	case given != "":
		return given
	case len(recalled) > 0 && recalled[0] != "":
		return recalled[0]
	}
	return DefaultTopic
}

// New returns the screen for a connection.
func New(conn Conn, opts Options) Model {
	styles := NewStyles(opts.NoColor)
	m := Model{
		conn:           conn,
		keys:           newScreenKeys(),
		styles:         &styles,
		help:           help.New(),
		list:           newListPart(opts.MaxMessages, opts.MaxBytes, opts.RowLines, &styles),
		composer:       ptr(newComposer(startTopic(opts.Topic, opts.RecallTopics), opts.QoS)),
		history:        opts.History,
		onSent:         opts.OnSent,
		load:           opts.LoadPayload,
		searchFn:       opts.Search,
		search:         newSearchPart(&styles, opts.Name),
		clipboard:      opts.Clipboard,
		rooms:          newRoomsPane(opts.Subscriptions),
		topics:         newTopicsView(opts.NoColor),
		packets:        newPacketsView(opts.NoColor),
		packetFeed:     opts.Packets,
		echo:           echo.New[*entry](),
		replayedOut:    map[replayKey]*entry{},
		otherClientsFn: opts.OtherClients,
		outboxKept:     opts.OutboxKept,
		onPanic:        opts.OnPanic,
		v5:             opts.MQTT5,
		name:           opts.Name,
		replyTopic:     replyTopicFor(opts.ClientID),
		requestTimeout: opts.RequestTimeout,
		status: status{
			broker:   opts.Broker,
			extra:    opts.Extra,
			clientID: opts.ClientID,
			toAssign: opts.AssignID,
			mouse:    opts.Mouse,
			insecure: opts.Insecure,
		},
	}
	if opts.NoColor {
		m.dropComponentColours()
	}
	m.status.addProblem(opts.Warning)
	m.helpView = newHelpView(m.helpSections(), m.styles)
	m.composer.recall = newRecall(opts.RecallTopics, opts.RecallTexts)
	if m.requestTimeout <= 0 {
		m.requestTimeout = DefaultRequestTimeout
	}
	m.addEarlier(opts.Earlier)
	m.setSize(80, 24)
	return m
}

// Init starts reading connection events.
func (m Model) Init() tea.Cmd {
	return tea.Batch(waitForEvents(m.conn, m.history, m.packetFeed, spares{}), tick(m.otherClientsFn))
}

// Update handles one message: keys through handleKey (whose order is
// written in mode's doc), everything else here, whatever the mode.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer m.reportPanic()
	return m.update(msg)
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		m, cmd := m.handleKey(msg)
		return m.noteSeen(), cmd
	case tea.MouseMsg:
		m, cmd := m.handleMouse(msg)
		return m.noteSeen(), cmd
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
		return m, nil
	case eventsMsg:
		m.applyEvents(msg)
		m.keys.Retry.SetEnabled(m.status.state != stateConnected) // the help line offers F5 only then
		if ask := m.askServerRef(); ask != nil {
			return m, tea.Batch(m.rearm(msg), ask)
		}
		return m, m.rearm(msg)
	case serverMovedMsg:
		if msg.err != nil {
			m.status.warning = "not moved: " + errText(msg.err)
		}
		return m, nil
	case questionArmedMsg:
		if m.question != nil && msg.gen == m.question.gen {
			m.question.armed = true
		}
		return m, nil
	case publishResultMsg:
		if msg.err != nil {
			m.composer.refused(msg.text, msg.err.Error())
			return m, nil
		}
		return m, m.keepForRecall(msg.topic, msg.text)
	case tickMsg:
		m.now, m.otherClients = msg.at, msg.otherClients
		m.status.now = msg.at
		m.rooms.tick()
		m.topics.Tick(msg.at)
		m.echo.Prune(msg.at)
		if m.detail != nil {
			m.detail.setNow(msg.at)
		}
		m.rate.sample(m.status.received)
		m.status.rate = m.rate.label()
		return m, tick(m.otherClientsFn)
	case requestTimeoutMsg:
		m.requestTimedOut(msg)
		return m, nil
	case commandDoneMsg:
		if msg.err != nil {
			m.status.warning = msg.err.Error()
		}
		return m, nil
	case fileReadMsg:
		return m, m.fileRead(msg)
	case recallSavedMsg:
		if msg.err != nil {
			m.status.warning = "recall not saved: " + msg.err.Error()
		}
		return m, nil
	case searchHitsMsg:
		return m, m.searchHits(msg)
	case payloadLoadedMsg:
		if m.detail != nil && m.detail.e.seq == msg.seq {
			m.detail.loaded(msg)
		}
		return m, nil
	case retainedClearedMsg:
		return m, m.retainedCleared(msg)
	case clearStepMsg:
		return m, m.clearStepped(msg)
	case topicHistoryMsg:
		m.topicHistoryLoaded(msg)
		return m, nil
	case copiedMsg:
		notice := msg.notice
		if msg.err != nil {
			notice = "not copied: " + msg.err.Error()
		}
		if m.detail != nil {
			m.detail.setNotice(notice)
		} else {
			m.status.warning = notice
		}
		return m, nil
	}
	var cmd tea.Cmd
	*m.composer, cmd = m.composer.update(msg)
	return m, cmd
}

// noteSeen clears the unread counts once "all" shows the newest messages
// again: what arrived below while scrolled up or paused is on screen now.
func (m Model) noteSeen() Model {
	if m.rooms.selected == 0 && m.list.atBottom() && !m.list.paused && m.mode != modeDetail {
		m.rooms.allSeen()
	}
	return m
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

// ptr is a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }
