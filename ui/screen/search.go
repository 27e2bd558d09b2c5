package screen

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
	"mqttchat/ui/sanitize"
)

// SearchQuery is what the on-screen history search asks of the history on
// disk: the same filter as the live '/' filter, over a time range.
type SearchQuery struct {
	Topic string // an MQTT topic filter; "" for every topic
	Text  string // text that the payload (or the topic) holds, case-sensitive; "" for any
	// Since and Until are as typed after --since and --until, in the forms
	// `mqttchat history` takes (an age, a time of day, a date, RFC 3339);
	// "" is an open end. The search function reads them and refuses a bad one.
	Since, Until string
}

// SearchFunc runs a query over the history on disk. It calls emit with each
// message that passes, oldest first, from its own goroutine, until emit
// returns false, ctx is done (then it returns ctx's error) or all is read.
type SearchFunc func(ctx context.Context, q SearchQuery, emit func(Replayed) bool) error

// Limits of a search: hits kept, hits waiting between the search's
// goroutine and Update, and the most hits one message brings.
const (
	searchMaxHits  = 10_000
	searchBuffered = 1024
	searchBatchMax = 512
)

// requestSearch: the list asks to search the history with its filter. Set
// apart from request's iota so that a request added there cannot collide.
const requestSearch request = 100

// searchKeys are the keys of the search results.
type searchKeys struct {
	Up     key.Binding
	Down   key.Binding
	Top    key.Binding
	Bottom key.Binding
	Pages  key.Binding
	Open   key.Binding
	Stop   key.Binding
	Close  key.Binding
}

func newSearchKeys() searchKeys {
	return searchKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "older")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "newer")),
		Top:    key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "first hit")),
		Bottom: key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last hit")),
		Pages:  key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "page")),
		Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Stop:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop searching")),
		Close:  key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc/q", "close the results")),
	}
}

// ShortHelp is the help line while the results are open.
func (k searchKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Stop, k.Close, k.Open, k.Up, k.Down, k.Top, k.Bottom, k.Pages}
}

// FullHelp lists every key of the results.
func (k searchKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.Pages}, {k.Open, k.Stop, k.Close}}
}

// searchHitsMsg brings a batch of hits, or the search's end.
type searchHitsMsg struct {
	gen    int
	hits   []Replayed
	as     []analysis // per hit, made off the UI goroutine
	done   bool
	capped bool  // with done: there were more than searchMaxHits
	err    error // with done: why it ended early
}

// searchStream connects a search's goroutine to Update: hits through a
// bounded channel, then its end.
type searchStream struct {
	hits chan Replayed
	end  chan searchEnd // one value, sent before hits is closed
}

type searchEnd struct {
	capped bool
	err    error
}

// searchPart is the results of a history search: a list of the hits found
// so far, filled while the search runs off the UI goroutine.
type searchPart struct {
	keys   searchKeys
	styles *Styles
	name   string // our sender's name (Options.Name)
	requester
	active  bool   // the results are open
	query   string // as typed, for the title
	gen     int    // which search the hits belong to
	list    messageList
	found   int
	running bool
	stopped bool // the user stopped it
	capped  bool
	err     string
	cancel  context.CancelFunc
	width   int
	height  int
}

func newSearchPart(s *Styles, name string) searchPart {
	p := searchPart{keys: newSearchKeys(), styles: s, name: name, list: newMessageList(searchMaxHits, 0, 0, s)}
	p.updateKeys()
	return p
}

// updateKeys: Esc stops a running search, and closes the results after.
func (p *searchPart) updateKeys() {
	p.keys.Stop.SetEnabled(p.running)
	p.keys.Close.SetEnabled(!p.running)
	has := p.list.Len() > 0
	for _, b := range []*key.Binding{&p.keys.Up, &p.keys.Down, &p.keys.Top, &p.keys.Bottom, &p.keys.Pages, &p.keys.Open} {
		b.SetEnabled(has)
	}
}

func (p *searchPart) setSize(w, h int) {
	p.width, p.height = w, h
	old := p.list.width
	p.list.setSize(w, max(h-1, 0)) // the title line
	if old != p.list.width {
		p.list.invalidateAll()
	}
}

// parseSearch reads /search's arguments: [FILTER] [TEXT] [--since X]
// [--until X], the filter and text as the live filter takes them.
func parseSearch(args string) (SearchQuery, error) {
	var q SearchQuery
	var rest []string
	fields := strings.Fields(args)
	for i := 0; i < len(fields); i++ {
		switch f := fields[i]; f {
		case "--since", "--until":
			if i+1 >= len(fields) {
				return q, fmt.Errorf("%s needs a time (e.g. 2h, 03:10, 2026-11-26)", f)
			}
			i++
			if f == "--since" {
				q.Since = fields[i]
			} else {
				q.Until = fields[i]
			}
		default:
			rest = append(rest, f)
		}
	}
	lf, err := parseFilter(strings.Join(rest, " "))
	if err != nil {
		return q, err
	}
	if lf != nil {
		q.Topic, q.Text = lf.topicFilter, string(lf.text)
	}
	return q, nil
}

// startSearch cancels a running search and starts q's; the returned
// command delivers the first hits.
func (p *searchPart) startSearch(search SearchFunc, q SearchQuery, typed string) tea.Cmd {
	p.stop()
	w, h := p.width, p.height
	*p = searchPart{keys: p.keys, styles: p.styles, name: p.name, gen: p.gen + 1, active: true, query: typed, running: true,
		list: newMessageList(searchMaxHits, 0, 0, p.styles)}
	p.setSize(w, h)
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	s := &searchStream{hits: make(chan Replayed, searchBuffered), end: make(chan searchEnd, 1)}
	go func() {
		n, capped := 0, false
		err := search(ctx, q, func(r Replayed) bool {
			if n == searchMaxHits {
				capped = true
				return false
			}
			select {
			case s.hits <- r:
				n++
				return true
			case <-ctx.Done():
				return false
			}
		})
		s.end <- searchEnd{capped: capped, err: err}
		close(s.hits)
	}()
	p.updateKeys()
	return waitForHits(p.gen, s)
}

// waitForHits blocks until the search has hits (or ends), gathers what
// comes within a frame and delivers it as one message; Update re-arms it.
func waitForHits(gen int, s *searchStream) tea.Cmd {
	return func() tea.Msg {
		msg := searchHitsMsg{gen: gen}
		end := func() tea.Msg {
			e := <-s.end
			msg.done, msg.capped, msg.err = true, e.capped, e.err
			return msg
		}
		r, ok := <-s.hits
		if !ok {
			return end()
		}
		add := func(r Replayed) {
			msg.hits = append(msg.hits, r)
			msg.as = append(msg.as, analyze(r.Event.Message.Payload))
		}
		add(r)
		frame := time.NewTimer(frameInterval)
		defer frame.Stop()
		for len(msg.hits) < searchBatchMax {
			select {
			case r, ok := <-s.hits:
				if !ok {
					return end()
				}
				add(r)
			case <-frame.C:
				return msg
			}
		}
		return msg
	}
}

// addHits shows a batch; the first hit is selected, so the view stays at
// the top while later hits arrive below. It re-arms the wait unless the
// search ended.
func (p *searchPart) addHits(msg searchHitsMsg) {
	if p.stopped {
		msg.hits = nil // what was on its way when Esc stopped it: the count holds still
	}
	for i, r := range msg.hits {
		kind := entryIn
		if r.Event.Kind == mqttconn.KindPublish {
			kind = entryOut
		}
		e := newMessageEntry(kind, r.Event.Message, msg.as[i])
		e.size = max(e.size, r.Size)
		if kind == entryOut {
			e.state, e.stateUnknown = r.Event.State, r.StateUnknown
			if e.sender == p.name {
				e.sender = "" // ours: "you"
			}
		}
		p.list.push(e)
		delete(p.list.outgoing, e.outID)
		p.found++
	}
	if !p.list.hasSel && p.list.Len() > 0 {
		p.list.selectIndex(0)
	}
	if msg.done {
		p.running, p.capped = false, msg.capped
		if msg.err != nil && !(p.stopped && errors.Is(msg.err, context.Canceled)) {
			p.err = errText(msg.err)
		}
		p.cancel()
	}
	p.updateKeys()
}

// stop cancels the running search, if any.
func (p *searchPart) stop() {
	if p.running {
		p.stopped = true
		p.cancel()
	}
}

// update handles a key while the results are open.
func (p searchPart) update(msg tea.KeyMsg) (searchPart, tea.Cmd) {
	p.updateKeys()
	k := p.keys
	switch {
	case key.Matches(msg, k.Stop):
		p.stop()
		p.running = false // it says stopped at once; what was on its way is dropped
	case key.Matches(msg, k.Close):
		p.active = false
		p.req = requestClose
	case key.Matches(msg, k.Open):
		p.req = requestOpen
	case key.Matches(msg, k.Up):
		p.list.moveSelection(-1)
	case key.Matches(msg, k.Down):
		p.list.moveSelection(1)
	case key.Matches(msg, k.Top):
		p.list.selectIndex(0)
	case key.Matches(msg, k.Bottom):
		p.list.scrollToBottom()
		p.list.selectIndex(p.list.visibleLen() - 1)
	case key.Matches(msg, k.Pages):
		if msg.String() == "pgup" {
			p.list.scroll(p.list.page())
		} else {
			p.list.scroll(-p.list.page())
		}
	}
	p.updateKeys()
	return p, nil
}

// title is the line above the results: the count and what the search is
// doing first (they must fit a narrow screen), then the query.
func (p *searchPart) title() string {
	q := p.query
	if q == "" {
		q = "everything"
	}
	text := fmt.Sprintf("%d found", p.found)
	switch {
	case p.running:
		text += " · searching… · esc stops"
	case p.err != "":
		text += " · " + p.err
	case p.capped:
		text += fmt.Sprintf(" · stopped at the first %d: narrow the search", searchMaxHits)
	case p.stopped:
		text += " · stopped"
	default:
		text += " · all searched"
	}
	if p.list.evicted > 0 {
		text += fmt.Sprintf(" · %d earliest let go (memory)", p.list.evicted)
	}
	text += " · history search " + sanitize.String(q)
	return p.styles.TitleFocused.Render(ansi.Truncate(text, p.width, "…"))
}

// View is the title and the visible hits.
func (p *searchPart) View() string {
	if p.list.height == 0 {
		return p.title()
	}
	return p.title() + "\n" + p.list.View(p.styles, true)
}

// cmdSearch runs /search [FILTER] [TEXT] [--since X] [--until X].
func (m *Model) cmdSearch(args string) (tea.Cmd, error) {
	if m.searchFn == nil {
		return nil, errors.New("/search: the history is off (--no-history, or it could not open): nothing on disk to search")
	}
	q, err := parseSearch(args)
	if err != nil {
		return nil, fmt.Errorf("/search: %v", err)
	}
	return m.openSearch(q, args), nil
}

// openSearch starts a search and shows its results.
func (m *Model) openSearch(q SearchQuery, typed string) tea.Cmd {
	m.search.setSize(m.width, m.bodyHeight())
	cmd := m.search.startSearch(m.searchFn, q, typed)
	m.searchStream = cmd
	m.mode = modeSearch
	return cmd
}

// searchFromList searches the history with the live filter's text.
func (m *Model) searchFromList() tea.Cmd {
	if m.searchFn == nil {
		m.status.warning = "search: the history is off: nothing on disk to search"
		return nil
	}
	typed := m.list.filterIn.Value()
	q, err := parseSearch(typed)
	if err != nil {
		m.status.warning = "search: " + err.Error()
		return nil
	}
	return m.openSearch(q, typed)
}

// searchHits shows a batch and waits for the next one.
func (m *Model) searchHits(msg searchHitsMsg) tea.Cmd {
	if msg.gen != m.search.gen {
		return nil // a search replaced since
	}
	m.search.addHits(msg)
	if msg.done {
		return nil
	}
	return m.searchStream
}

// searchKey gives a key to the results; Enter opens a hit in the detail
// view, whose Esc comes back here.
func (m Model) searchKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.search, cmd = m.search.update(msg)
	switch m.search.take() {
	case requestClose:
		m.mode = modeNormal
	case requestOpen:
		if e, ok := m.search.list.selected(); ok && e.kind != entryEvent {
			d, load := newDetail(e, m.load, m.styles, m.clipboard, m.clock())
			d.setSize(m.width, m.bodyHeight())
			m.detail = &d
			m.detailFrom = modeSearch // Esc comes back to the results
			m.mode = modeDetail
			return m, tea.Batch(cmd, load)
		}
	}
	return m, cmd
}
