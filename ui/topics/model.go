package topics

import (
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/ui/payload"
	"mqttchat/ui/plot"
)

// Request is what the view asks of the screen; the screen takes it with
// TakeRequest right after Update.
type Request interface{ isRequest() }

// OpenMessage asks to open a topic's last message in the detail view. Last
// is the value kept here (its Payload may be cut: Last.Cut()).
type OpenMessage struct {
	Topic string
	Last  Value
}

// Reply asks to set the composer's topic.
type Reply struct{ Topic string }

// ClearRetained asks to clear the retained messages of Topics (an empty
// retained publish to each) after asking Question. Prefix is the node's
// topic. A 3.1.1 broker may refuse silently (an ACL denial still gets
// PUBACK 0), so the screen re-subscribes afterwards to see what is left.
type ClearRetained struct {
	Prefix   string
	Topics   []string
	Question string
}

// LoadHistory asks for a topic's older values from the history on disk;
// the screen gives them with Tree().AddOlder and calls Refresh.
type LoadHistory struct{ Topic string }

func (OpenMessage) isRequest()   {}
func (Reply) isRequest()         {}
func (ClearRetained) isRequest() {}
func (LoadHistory) isRequest()   {}

// pane is what the view shows.
type pane int

const (
	paneTree   pane = iota
	paneValues      // a topic's recent values and the diff of the last
	panePlot        // a topic's numbers over time
)

// Model is the topics view: a part of the screen.
type Model struct {
	tree   *Tree
	keys   KeyMap
	styles Styles
	paints paints

	top, sel      *node // first row drawn, selected row
	selRow        int   // sel's row in the window, when it is in it
	width, height int
	now           time.Time // the screen's last 1 Hz tick

	searchIn  textinput.Model
	searchErr string

	pane      pane
	topic     *node // of the values or plot pane
	valuesOff int
	plot      plot.Model
	field     string // the JSON field plotted, "" for a bare number
	fields    []string

	req Request
}

// DefaultPreview is the screen's one-line preview of a payload.
func DefaultPreview(p []byte) string { return payload.Preview(p, payload.Detect(p)) }

// New makes the view over an empty tree; set the colour profile before. preview turns a payload (possibly
// cut to Settings.ValueBytes) into one sanitized line; nil takes
// DefaultPreview.
func New(set Settings, preview func([]byte) string, st Styles) Model {
	if preview == nil {
		preview = DefaultPreview
	}
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = "sensors/+/temp or a word"
	ti.Width = 30
	ti.Cursor.SetMode(cursor.CursorStatic)
	m := Model{tree: NewTree(set, preview), keys: DefaultKeyMap(), styles: st, paints: newPaints(st), searchIn: ti}
	m.updateKeys()
	return m
}

// Tree is the tree the view draws, for its counts, retained marks and older
// values.
func (m *Model) Tree() *Tree { return m.tree }

// Add records a message (see Tree.Add); a plotted topic's plot follows it.
func (m *Model) Add(topic string, payload []byte, retained bool, qos byte, at time.Time) {
	m.tree.Add(topic, payload, retained, qos, at)
	if m.pane == panePlot && m.topic != nil && m.topic.topic == topic && m.topic.isTopic() {
		if v, unit, ok := plot.Value(payload, m.field); ok {
			if m.field == "" {
				m.plot.SetUnit(unit)
			}
			m.plot.Push(plot.Point{At: at, V: v})
		}
	}
	if m.sel == nil {
		m.reveal(false)
	}
}

// Tick gives the time of the screen's 1 Hz tick: ages, rates and the marks
// of new activity are drawn against it, so nothing else needs a timer.
func (m *Model) Tick(now time.Time) {
	m.now = now
	m.reveal(true)
}

// SetSize sets the view's width and height in cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.plot.SetSize(w, max(h-1, 0))
	m.reveal(true)
}

// Keys returns the keys enabled now, for the help line.
func (m Model) Keys() KeyMap {
	m.updateKeys()
	return m.keys
}

// TakeRequest returns the pending request, once; nil when none.
func (m *Model) TakeRequest() Request {
	r := m.req
	m.req = nil
	return r
}

// Typing reports whether the search input has the keys: every key,
// letters included, should come to Update.
func (m Model) Typing() bool { return m.searchIn.Focused() }

// HandlesEsc reports whether Esc does something here (end the search, go
// back to the tree); when not, the screen may use it to leave the view.
func (m Model) HandlesEsc() bool {
	return m.Typing() || m.pane != paneTree || m.tree.search != ""
}

// Refresh re-reads the open topic's values (after Tree().AddOlder).
func (m *Model) Refresh() {
	if m.pane == panePlot && m.topic != nil {
		m.openPlot(m.topic, m.field)
	}
}

// selectedTopic is the selected node's topic, if it is one.
func (m Model) selectedTopic() (*node, bool) {
	if m.sel == nil || !m.sel.isTopic() {
		return nil, false
	}
	return m.sel, true
}

// updateKeys enables the keys that do something now.
func (m *Model) updateKeys() {
	k := &m.keys
	typing := m.searchIn.Focused()
	inTree := !typing && m.pane == paneTree
	hasSel := m.sel != nil
	_, isTopic := m.selectedTopic()
	hasKids := hasSel && len(m.sel.order) > 0
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
		b.SetEnabled(!typing && m.pane != panePlot)
	}
	k.Expand.SetEnabled(inTree && hasKids)
	k.Collapse.SetEnabled(inTree && hasSel)
	k.ExpandAll.SetEnabled(inTree && hasKids)
	k.CollapseAll.SetEnabled(inTree && hasKids)
	k.Parent.SetEnabled(inTree && hasSel && m.sel.depth > 0)
	topicHere := (inTree && isTopic) || (!typing && m.pane != paneTree)
	k.Open.SetEnabled(topicHere)
	k.Reply.SetEnabled(topicHere)
	k.LoadHistory.SetEnabled(topicHere)
	k.Values.SetEnabled(topicHere && m.pane != paneValues)
	k.Plot.SetEnabled(topicHere && m.pane != panePlot)
	k.Field.SetEnabled(!typing && m.pane == panePlot && len(m.fields) > 1)
	k.ClearRetained.SetEnabled(inTree && hasSel && m.sel.retBelow > 0)
	k.Search.SetEnabled(inTree)
	k.ClearSearch.SetEnabled(inTree && m.tree.search != "")
	k.Back.SetEnabled(!typing && m.pane != paneTree)
	k.ApplySearch.SetEnabled(typing)
	k.CancelSearch.SetEnabled(typing)
}

// Update handles a key or a mouse event (Y counted from the view's first
// row, X from its first column).
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	m.updateKeys()
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case m.searchIn.Focused():
			m, cmd = m.handleSearch(msg)
		case m.pane == paneTree:
			m, cmd = m.handleTree(msg)
		default:
			m, cmd = m.handleTopic(msg)
		}
	case tea.MouseMsg:
		m = m.handleMouse(msg)
	}
	m.updateKeys()
	return m, cmd
}

func (m Model) handleSearch(msg tea.KeyMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.CancelSearch):
		m.searchIn.Blur()
		m.searchIn.SetValue("")
		m.applySearch("")
		return m, nil
	case key.Matches(msg, m.keys.ApplySearch):
		m.searchIn.Blur()
		return m, nil
	}
	var cmd tea.Cmd
	m.searchIn, cmd = m.searchIn.Update(msg)
	m.applySearch(m.searchIn.Value())
	return m, cmd
}

// applySearch narrows the tree to what is typed; a bad filter keeps the
// previous search and says why.
func (m *Model) applySearch(input string) {
	match, err := ParseSearch(input)
	if err != nil {
		m.searchErr = err.Error()
		return
	}
	m.searchErr = ""
	m.tree.setSearch(input, match)
	if m.sel != nil && !m.tree.shown(m.sel) {
		for m.sel != nil && !m.tree.shown(m.sel) {
			m.sel = m.sel.parent
		}
		if m.sel == &m.tree.root {
			m.sel = nil
		}
	}
	if m.sel == nil {
		m.sel = m.tree.firstRow()
	}
	m.top = m.sel
	m.reveal(true)
}

// SetSearch starts a search from a command (as if typed and kept).
func (m *Model) SetSearch(input string) {
	m.searchIn.Blur()
	m.searchIn.SetValue(input)
	m.applySearch(input)
	m.updateKeys()
}

func (m Model) handleTree(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := m.keys
	t := m.tree
	switch {
	case key.Matches(msg, k.Search):
		return m, m.searchIn.Focus()
	case key.Matches(msg, k.ClearSearch):
		m.searchIn.SetValue("")
		m.applySearch("")
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-max(m.treeRows()-1, 1))
	case key.Matches(msg, k.PageDown):
		m.move(max(m.treeRows()-1, 1))
	case key.Matches(msg, k.Top):
		m.sel = t.firstRow()
		m.reveal(false)
	case key.Matches(msg, k.Bottom):
		m.sel = t.lastRow()
		m.reveal(true)
	case key.Matches(msg, k.Expand):
		m.sel.expanded = true
	case key.Matches(msg, k.Collapse):
		if m.sel.expanded && len(m.sel.order) > 0 {
			m.fold(m.sel, false)
		} else if m.sel.depth > 0 {
			m.sel = m.sel.parent
			m.reveal(false)
		}
	case key.Matches(msg, k.ExpandAll):
		setExpandedBelow(m.sel, true)
	case key.Matches(msg, k.CollapseAll):
		m.fold(m.sel, true)
	case key.Matches(msg, k.Parent):
		m.sel = m.sel.parent
		m.reveal(false)
	case key.Matches(msg, k.ClearRetained):
		topics := t.RetainedUnder(m.sel.topic)
		m.req = ClearRetained{Prefix: m.sel.topic, Topics: topics, Question: ClearQuestion(m.sel.topic, topics, 10)}
	default:
		return m.handleTopic(msg)
	}
	return m, nil
}

// fold folds n (and all below it when all is set); a selection or window
// start hidden under n moves to n.
func (m *Model) fold(n *node, all bool) {
	if all {
		setExpandedBelow(n, false)
	} else {
		n.expanded = false
	}
	if m.sel != nil && m.sel != n && isUnder(m.sel, n) {
		m.sel = n
	}
	if m.top != nil && m.top != n && isUnder(m.top, n) {
		m.top = n
	}
	m.reveal(false)
}

// handleTopic handles the keys that act on a topic: the selected one in
// the tree, or the one whose values or plot are open.
func (m Model) handleTopic(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := m.keys
	n := m.topic
	if m.pane == paneTree {
		n, _ = m.selectedTopic()
	}
	switch {
	case key.Matches(msg, k.Back):
		m.pane, m.topic = paneTree, nil
	case n == nil:
	case key.Matches(msg, k.Open):
		last, _ := n.lastValue()
		m.req = OpenMessage{Topic: n.topic, Last: last}
	case key.Matches(msg, k.Reply):
		m.req = Reply{Topic: n.topic}
	case key.Matches(msg, k.LoadHistory):
		m.req = LoadHistory{Topic: n.topic}
	case key.Matches(msg, k.Values):
		m.pane, m.topic, m.valuesOff = paneValues, n, 0
	case key.Matches(msg, k.Plot):
		m.openPlot(n, "")
	case key.Matches(msg, k.Field):
		if i := indexOf(m.fields, m.field); len(m.fields) > 0 {
			m.openPlot(n, m.fields[(i+1)%len(m.fields)])
		}
	case m.pane == paneValues:
		m.scrollValues(msg)
	case m.pane == panePlot:
		var cmd tea.Cmd
		m.plot, cmd = m.plot.Update(msg)
		return m, cmd
	}
	return m, nil
}

func indexOf(xs []string, x string) int {
	for i, s := range xs {
		if s == x {
			return i
		}
	}
	return -1
}

// openPlot shows a topic's numbers: the bare number of each value, or the
// JSON field (the first numeric field of the last value when field is "").
func (m *Model) openPlot(n *node, field string) {
	m.pane, m.topic = panePlot, n
	vals := n.values()
	m.fields = nil
	if last, ok := n.lastValue(); ok {
		if _, _, isNum := plot.Number(last.Payload); !isNum {
			m.fields = plot.Fields(last.Payload)
		}
	}
	if field == "" && len(m.fields) > 0 {
		field = m.fields[0]
	}
	m.field = field
	m.plot = plot.New("", m.styles.Plot)
	m.plot.SetSize(m.width, max(m.height-1, 0))
	pts := make([]plot.Point, 0, len(vals))
	for _, v := range vals {
		if x, unit, ok := plot.Value(v.Payload, field); ok {
			if field == "" {
				m.plot.SetUnit(unit)
			}
			pts = append(pts, plot.Point{At: v.At, V: x})
		}
	}
	m.plot.SetPoints(pts)
}

func (m *Model) scrollValues(msg tea.KeyMsg) {
	k := m.keys
	page := max(m.height-2, 1)
	switch {
	case key.Matches(msg, k.Up):
		m.valuesOff--
	case key.Matches(msg, k.Down):
		m.valuesOff++
	case key.Matches(msg, k.PageUp):
		m.valuesOff -= page
	case key.Matches(msg, k.PageDown):
		m.valuesOff += page
	case key.Matches(msg, k.Top):
		m.valuesOff = 0
	case key.Matches(msg, k.Bottom):
		m.valuesOff = 1 << 30
	}
	m.valuesOff = max(m.valuesOff, 0) // the upper bound is applied when drawn
}

// move changes the selection by d rows.
func (m *Model) move(d int) {
	if m.sel == nil {
		m.reveal(false)
		return
	}
	for ; d > 0; d-- {
		n := m.tree.next(m.sel)
		if n == nil {
			break
		}
		m.sel = n
	}
	for ; d < 0; d++ {
		n := m.tree.prev(m.sel)
		if n == nil {
			break
		}
		m.sel = n
	}
	m.reveal(d >= 0)
}

// reveal puts the selection inside the window: at its bottom when it was
// below (down), at its top otherwise. O(rows).
func (m *Model) reveal(down bool) {
	t := m.tree
	if m.sel == nil {
		m.sel = t.firstRow()
		m.top, m.selRow = m.sel, 0
		return
	}
	rows := m.treeRows()
	if m.top != nil && t.shown(m.top) {
		n := m.top
		for i := 0; i < rows && n != nil; i++ {
			if n == m.sel {
				m.selRow = i
				m.fill()
				return
			}
			n = t.next(n)
		}
	}
	m.top, m.selRow = m.sel, 0
	if down {
		m.pullBack(rows - 1)
	}
}

// fill moves the window up while its bottom would show blank rows.
func (m *Model) fill() {
	t := m.tree
	rows := m.treeRows()
	below := 0
	for n := m.top; n != nil && below < rows; n = t.next(n) {
		below++
	}
	m.pullBack(rows - below)
}

// pullBack moves the window's start up to k rows up.
func (m *Model) pullBack(k int) {
	for ; k > 0; k-- {
		p := m.tree.prev(m.top)
		if p == nil {
			return
		}
		m.top = p
		m.selRow++
	}
}

// headerRows is how many rows the tree's header takes.
func (m *Model) headerRows() int {
	if m.searchIn.Focused() || m.tree.search != "" || m.searchErr != "" {
		return 2
	}
	return 1
}

// treeRows is how many tree rows fit.
func (m *Model) treeRows() int { return max(m.height-m.headerRows(), 1) }

// handleMouse scrolls with the wheel; a click selects a row and a second
// click on it opens it (a topic) or folds/unfolds it (a node with children).
func (m Model) handleMouse(msg tea.MouseMsg) Model {
	if msg.Action != tea.MouseActionPress || m.pane == panePlot {
		return m
	}
	if m.pane == paneValues {
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.valuesOff = max(m.valuesOff-3, 0)
		case tea.MouseButtonWheelDown:
			m.valuesOff += 3
		}
		return m
	}
	t := m.tree
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		for i := 0; i < 3 && m.top != nil; i++ {
			if p := t.prev(m.top); p != nil {
				m.top = p
				m.selRow++
			}
		}
	case tea.MouseButtonWheelDown:
		for i := 0; i < 3 && m.top != nil; i++ {
			if n := t.next(m.top); n != nil {
				m.top = n
				m.selRow--
			}
		}
	case tea.MouseButtonLeft:
		row := msg.Y - m.headerRows()
		if row < 0 || row >= m.treeRows() {
			return m
		}
		n := m.top
		for i := 0; i < row && n != nil; i++ {
			n = t.next(n)
		}
		if n == nil {
			return m
		}
		if n == m.sel {
			switch {
			case len(n.order) > 0:
				if n.expanded {
					m.fold(n, false)
				} else {
					n.expanded = true
				}
			case n.isTopic():
				last, _ := n.lastValue()
				m.req = OpenMessage{Topic: n.topic, Last: last}
			}
			return m
		}
		m.sel, m.selRow = n, row
	}
	return m
}
