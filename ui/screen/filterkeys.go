package screen

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

func newFilterInput() textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = "topic/filter/# and/or text"
	ti.Width = 30
	ti.Cursor.SetMode(cursor.CursorStatic)
	return ti
}

// openFilter gives the keys to the filter input.
func (m *Model) openFilter() tea.Cmd {
	m.filtering = true
	return m.filterIn.Focus()
}

// handleFilterKey edits the filter; the list narrows as it is typed.
func (m Model) handleFilterKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.ClearFilter):
		m.filtering = false
		m.filterIn.Blur()
		m.filterIn.SetValue("")
		m.applyFilter("")
		return m, nil
	case key.Matches(msg, m.keys.ApplyFilter):
		m.filtering = false
		m.filterIn.Blur()
		return m, nil
	}
	var cmd tea.Cmd
	m.filterIn, cmd = m.filterIn.Update(msg)
	m.applyFilter(m.filterIn.Value())
	return m, cmd
}

// applyFilter narrows the list to what the input says; a bad topic filter
// keeps the previous narrowing and says why.
func (m *Model) applyFilter(input string) {
	f, err := parseFilter(input)
	if err != nil {
		m.filterErr = err.Error()
		return
	}
	m.filterErr = ""
	m.list.setFilter(f)
}
