package topics

import "github.com/charmbracelet/bubbles/key"

// KeyMap are the keys of the topics view; bindings that do nothing in the
// current state are disabled, so the help line never shows them.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom  key.Binding
	Expand, Collapse, ExpandAll, CollapseAll key.Binding
	Parent                                   key.Binding
	Open, Reply, Values, Plot, Field         key.Binding
	ClearRetained, LoadHistory               key.Binding
	Search, ClearSearch                      key.Binding
	Back                                     key.Binding
	// While the search input has the keys:
	ApplySearch, CancelSearch key.Binding
}

// DefaultKeyMap returns the topics view's keys.
func DefaultKeyMap() KeyMap {
	b := key.NewBinding
	k, h := key.WithKeys, key.WithHelp
	return KeyMap{
		Up:            b(k("up", "k"), h("↑/k", "up")),
		Down:          b(k("down", "j"), h("↓/j", "down")),
		PageUp:        b(k("pgup"), h("pgup", "page up")),
		PageDown:      b(k("pgdown"), h("pgdn", "page down")),
		Top:           b(k("home", "g"), h("home/g", "first")),
		Bottom:        b(k("end", "G"), h("end/G", "last")),
		Expand:        b(k("right", "l"), h("→/l", "expand")),
		Collapse:      b(k("left", "h"), h("←/h", "fold, or go to the parent")),
		ExpandAll:     b(k("e"), h("e", "expand all below")),
		CollapseAll:   b(k("c"), h("c", "fold all below")),
		Parent:        b(k("backspace", "u"), h("u/⌫", "parent")),
		Open:          b(k("enter"), h("enter", "open the last message")),
		Reply:         b(k("r"), h("r", "reply on this topic")),
		Values:        b(k("v"), h("v", "recent values and diff")),
		Plot:          b(k("p"), h("p", "plot")),
		Field:         b(k("f"), h("f", "next numeric field")),
		ClearRetained: b(k("delete", "X"), h("del/X", "clear retained…")),
		LoadHistory:   b(k("H"), h("H", "older values from the history")),
		Search:        b(k("/"), h("/", "search (topic filter)")),
		ClearSearch:   b(k("esc"), h("esc", "end the search")),
		Back:          b(k("esc"), h("esc", "back to the tree")),
		ApplySearch:   b(k("enter"), h("enter", "keep the search")),
		CancelSearch:  b(k("esc"), h("esc", "drop the search")),
	}
}

// ShortHelp is the help line for the current state.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.ApplySearch, k.CancelSearch, k.Back, k.Up, k.Down, k.Expand, k.Collapse, k.Open, k.Reply,
		k.Values, k.Plot, k.Field, k.Search, k.ClearSearch, k.ClearRetained}
}

// FullHelp lists every key enabled now.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Expand, k.Collapse, k.ExpandAll, k.CollapseAll, k.Parent},
		{k.Open, k.Reply, k.Values, k.Plot, k.Field, k.LoadHistory},
		{k.Search, k.ClearSearch, k.ClearRetained, k.Back, k.ApplySearch, k.CancelSearch},
	}
}
