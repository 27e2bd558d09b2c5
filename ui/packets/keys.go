package packets

import "github.com/charmbracelet/bubbles/key"

// KeyMap are the packets view's keys; bindings that do nothing in the
// current state are disabled, so the help line never shows them.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Filter, ClearFilter                     key.Binding
	// While the filter input has the keys:
	ApplyFilter, CancelFilter key.Binding
}

// DefaultKeyMap returns the packets view's keys.
func DefaultKeyMap() KeyMap {
	b := key.NewBinding
	k, h := key.WithKeys, key.WithHelp
	return KeyMap{
		Up:           b(k("up", "k"), h("↑/k", "previous packet")),
		Down:         b(k("down", "j"), h("↓/j", "next packet")),
		PageUp:       b(k("pgup"), h("pgup", "page up")),
		PageDown:     b(k("pgdown"), h("pgdn", "page down")),
		Top:          b(k("home", "g"), h("home/g", "first")),
		Bottom:       b(k("end", "G"), h("end/G", "last, and follow")),
		Filter:       b(k("/"), h("/", "filter: types and a packet id")),
		ClearFilter:  b(k("esc"), h("esc", "drop the filter")),
		ApplyFilter:  b(k("enter"), h("enter", "keep the filter")),
		CancelFilter: b(k("esc"), h("esc", "cancel")),
	}
}

// ShortHelp is the help line for the current state.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.ApplyFilter, k.CancelFilter, k.Filter, k.ClearFilter, k.Up, k.Down, k.Bottom}
}

// FullHelp lists every key enabled now.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Filter, k.ClearFilter, k.ApplyFilter, k.CancelFilter},
	}
}
