package screen

import "github.com/charmbracelet/bubbles/key"

// screenKeys are the keys the root model owns. Quit works in every mode;
// the others work in modeNormal whatever part has the focus. Each part owns
// the rest of its keys (composerKeys, listKeys, roomsKeys, detailKeys,
// helpKeys, questionKeys).
type screenKeys struct {
	Quit        key.Binding
	Help        key.Binding
	Mouse       key.Binding
	ToggleRooms key.Binding
	Pause       key.Binding
	Retry       key.Binding
	NextFocus   key.Binding
	PrevFocus   key.Binding
	PageUp      key.Binding
	PageDown    key.Binding
}

func newScreenKeys() screenKeys {
	return screenKeys{
		Quit:        key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit (asks if it costs)")),
		Help:        key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "help")),
		Mouse:       key.NewBinding(key.WithKeys("f2"), key.WithHelp("f2", "mouse capture on/off")),
		ToggleRooms: key.NewBinding(key.WithKeys("f3"), key.WithHelp("f3", "rooms pane on/off")),
		Pause:       key.NewBinding(key.WithKeys("f4"), key.WithHelp("f4", "pause/resume the list")),
		Retry:       key.NewBinding(key.WithKeys("f5"), key.WithHelp("f5", "connect now")),
		NextFocus:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next part")),
		PrevFocus:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous part")),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "list page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "list page down")),
	}
}

// ShortHelp is what the help line adds after the focused part's keys.
func (k screenKeys) ShortHelp() []key.Binding { return []key.Binding{k.NextFocus, k.Help, k.Quit} }

// FullHelp lists every screen key.
func (k screenKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.NextFocus, k.PrevFocus, k.PageUp, k.PageDown, k.Help},
		{k.Mouse, k.ToggleRooms, k.Pause, k.Retry, k.Quit}}
}
