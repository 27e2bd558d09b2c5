package screen

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// listKeys are the keys of the message list and of its filter input.
type listKeys struct {
	Up          key.Binding
	Down        key.Binding
	Top         key.Binding
	Bottom      key.Binding
	Open        key.Binding
	Filter      key.Binding
	ClearFilter key.Binding
	Pause       key.Binding
	Help        key.Binding
	Reply       key.Binding
	Search      key.Binding
	// While the filter input has the keys:
	ApplyFilter  key.Binding
	CancelFilter key.Binding
}

func newListKeys() listKeys {
	return listKeys{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "older")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "newer")),
		Top:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "oldest")),
		Bottom:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "newest, follow")),
		Open:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear the filter")),
		Pause:        key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause/resume")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Reply:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reply: write to its topic")),
		Search:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "search history")),
		ApplyFilter:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep the filter")),
		CancelFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "drop the filter")),
	}
}

// ShortHelp is the help line while the list has the focus (or its filter).
func (k listKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.ApplyFilter, k.CancelFilter, k.Up, k.Down, k.Open, k.Reply, k.Filter, k.ClearFilter, k.Pause, k.Bottom, k.Search}
}

// FullHelp lists every list key.
func (k listKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {k.Open, k.Reply, k.Filter, k.ClearFilter, k.Search, k.Pause, k.Help}}
}

// listPart is the message list with its live filter: it owns the list's
// keys, the filter input and the filter's error.
type listPart struct {
	messageList
	filterIn  textinput.Model // what is typed after '/'
	filterErr string
	keys      listKeys
	requester
}

func newListPart(maxCount, maxBytes, maxLines int, s *Styles) listPart {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = "topic/filter/# and/or text"
	ti.Width = 0 // as wide as what is typed: the count after it stays in view
	ti.Cursor.SetMode(cursor.CursorStatic)
	p := listPart{messageList: newMessageList(maxCount, maxBytes, maxLines, s), filterIn: ti, keys: newListKeys()}
	p.updateKeys()
	return p
}

// updateKeys enables what does something now: the filter's own keys only
// while it is typed, "clear" only when there is a filter.
func (p *listPart) updateKeys() {
	typing := p.filterIn.Focused()
	for _, b := range []*key.Binding{&p.keys.Up, &p.keys.Down, &p.keys.Top, &p.keys.Bottom, &p.keys.Open, &p.keys.Reply, &p.keys.Search, &p.keys.Filter, &p.keys.Pause, &p.keys.Help} {
		b.SetEnabled(!typing)
	}
	p.keys.ClearFilter.SetEnabled(!typing && p.filterIn.Value() != "")
	p.keys.ApplyFilter.SetEnabled(typing)
	p.keys.CancelFilter.SetEnabled(typing)
}

// update handles a key while the list has the focus.
func (p listPart) update(msg tea.KeyMsg) (listPart, tea.Cmd) {
	p.updateKeys()
	p, cmd := p.handle(msg)
	p.updateKeys()
	return p, cmd
}

func (p listPart) handle(msg tea.KeyMsg) (listPart, tea.Cmd) {
	k := p.keys
	switch {
	case key.Matches(msg, k.Filter):
		p.req = requestFilterStart
		return p, p.filterIn.Focus()
	case key.Matches(msg, k.ClearFilter):
		p.filterIn.SetValue("")
		p.applyFilter("")
	case key.Matches(msg, k.Open):
		p.req = requestOpen
	case key.Matches(msg, k.Reply):
		p.req = requestReply
	case key.Matches(msg, k.Search):
		p.req = requestSearch
	case key.Matches(msg, k.Help):
		p.req = requestHelp
	case key.Matches(msg, k.Pause):
		p.togglePause()
	case key.Matches(msg, k.Up):
		p.moveSelection(-1)
	case key.Matches(msg, k.Down):
		p.moveSelection(1)
	case key.Matches(msg, k.Top):
		p.scrollToTop()
		p.selectIndex(p.nearestMessage(0, +1))
	case key.Matches(msg, k.Bottom):
		p.scrollToBottom()
		p.selectIndex(p.nearestMessage(p.visibleLen()-1, -1))
	}
	return p, nil
}

// updateFilter edits the filter; the list narrows as it is typed.
func (p listPart) updateFilter(msg tea.KeyMsg) (listPart, tea.Cmd) {
	p.updateKeys()
	p, cmd := p.handleFilter(msg)
	p.updateKeys()
	return p, cmd
}

func (p listPart) handleFilter(msg tea.KeyMsg) (listPart, tea.Cmd) {
	switch {
	case key.Matches(msg, p.keys.CancelFilter):
		p.filterIn.Blur()
		p.filterIn.SetValue("")
		p.applyFilter("")
		p.req = requestFilterEnd
		return p, nil
	case key.Matches(msg, p.keys.ApplyFilter):
		p.filterIn.Blur()
		p.req = requestFilterEnd
		return p, nil
	}
	var cmd tea.Cmd
	p.filterIn, cmd = p.filterIn.Update(msg)
	p.applyFilter(p.filterIn.Value())
	return p, cmd
}

// applyFilter narrows the list to what the input says; a bad topic filter
// keeps the previous narrowing and says why.
func (p *listPart) applyFilter(input string) {
	f, err := parseFilter(input)
	if err != nil {
		p.filterErr = err.Error()
		return
	}
	p.filterErr = ""
	p.setFilter(f)
}

// setFilterText sets the filter from a command or a room, not typed.
func (p *listPart) setFilterText(input string) {
	p.filterIn.SetValue(input)
	p.applyFilter(input)
	p.updateKeys()
}

// togglePause freezes or resumes the list.
func (p *listPart) togglePause() {
	p.paused = !p.paused
	if !p.paused {
		p.scrollToBottom()
	}
}
