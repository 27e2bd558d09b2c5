package screen

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key the application owns. Typing keys that are not here
// go to the focused text field.
type keyMap struct {
	Send        key.Binding
	Newline     key.Binding
	NextFocus   key.Binding
	PrevFocus   key.Binding
	CycleQoS    key.Binding
	Retain      key.Binding
	PageUp      key.Binding
	PageDown    key.Binding
	Up          key.Binding
	Down        key.Binding
	Top         key.Binding
	Bottom      key.Binding
	Mouse       key.Binding
	Help        key.Binding
	ListHelp    key.Binding
	Quit        key.Binding
	ToggleRooms key.Binding
	Pause       key.Binding
	PauseInList key.Binding
	Open        key.Binding
	Back        key.Binding
	ViewText    key.Binding
	ViewJSON    key.Binding
	ViewHex     key.Binding
	ViewBase64  key.Binding
	CopyPayload key.Binding
	CopyTopic   key.Binding
	SendEmpty   key.Binding
	Confirm     key.Binding
	Cancel      key.Binding
	Retry       key.Binding
	RecallPrev  key.Binding
	RecallNext  key.Binding
	Filter      key.Binding
	ClearFilter key.Binding
	ApplyFilter key.Binding
}

func defaultKeyMap() keyMap {
	return keyMap{
		Send:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		Newline:     key.NewBinding(key.WithKeys("alt+enter", "ctrl+j"), key.WithHelp("alt+enter", "new line")),
		NextFocus:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		PrevFocus:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		CycleQoS:    key.NewBinding(key.WithKeys("ctrl+q"), key.WithHelp("ctrl+q", "QoS 0/1/2")),
		Retain:      key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "retain on/off")),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "older")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "newer")),
		Top:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "oldest")),
		Bottom:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "newest, follow")),
		Mouse:       key.NewBinding(key.WithKeys("f2"), key.WithHelp("f2", "mouse capture on/off")),
		ToggleRooms: key.NewBinding(key.WithKeys("f3"), key.WithHelp("f3", "rooms pane on/off")),
		Pause:       key.NewBinding(key.WithKeys("f4"), key.WithHelp("f4", "pause/resume the list")),
		PauseInList: key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause/resume (in the list)")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the selected message (in the list)")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the list")),
		ViewText:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "text")),
		ViewJSON:    key.NewBinding(key.WithKeys("j"), key.WithHelp("j", "JSON")),
		ViewHex:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "hex")),
		ViewBase64:  key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "base64")),
		CopyPayload: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy the payload")),
		CopyTopic:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy the topic")),
		SendEmpty:   key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "send an empty payload")),
		Confirm:     key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y", "yes")),
		Cancel:      key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "no")),
		Retry:       key.NewBinding(key.WithKeys("f5"), key.WithHelp("f5", "connect now")),
		Help:        key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "help")),
		ListHelp:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help (in the list)")),
		Quit:        key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		RecallPrev:  key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "earlier sent texts/topics (in a field)")),
		RecallNext:  key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "later sent text/topic")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter the list (in the list)")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear the filter")),
		ApplyFilter: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep the filter")),
	}
}

// ShortHelp is the one line of help under the composer.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Send, k.NextFocus, k.CycleQoS, k.Retain, k.PageUp, k.Help, k.Quit}
}

// FullHelp is shown with F1.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Send, k.Newline, k.SendEmpty, k.CycleQoS, k.Retain},
		{k.NextFocus, k.PrevFocus, k.PageUp, k.PageDown},
		{k.Up, k.Down, k.Top, k.Bottom},
		{k.RecallPrev, k.Filter, k.ClearFilter, k.Open},
		{k.ToggleRooms, k.Pause, k.Mouse, k.Retry},
		{k.Help, k.ListHelp, k.Quit},
	}
}

// DetailHelp is the help line of the detail view.
func (k keyMap) DetailHelp() []key.Binding {
	return []key.Binding{k.Back, k.ViewText, k.ViewJSON, k.ViewHex, k.ViewBase64, k.CopyPayload, k.CopyTopic, k.Quit}
}
