package screen

import (
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"
)

// plain drops a style's colours and keeps its attributes.
func plainStyle(s lipgloss.Style) lipgloss.Style {
	return s.UnsetForeground().UnsetBackground().UnsetBorderForeground().UnsetBorderBackground()
}

// dropComponentColours takes the colours out of the bubbles components'
// own default styles (help, text fields), for NO_COLOR.
func (m *Model) dropComponentColours() {
	h := &m.help.Styles
	for _, s := range []*lipgloss.Style{&h.Ellipsis, &h.ShortKey, &h.ShortDesc, &h.ShortSeparator, &h.FullKey, &h.FullDesc, &h.FullSeparator} {
		*s = plainStyle(*s)
	}
	h.ShortKey = h.ShortKey.Bold(true)
	plainInput(&m.composer.topic)
	plainInput(&m.list.filterIn)
	plainArea(&m.composer.text.FocusedStyle)
	plainArea(&m.composer.text.BlurredStyle)
	m.composer.text.Cursor.Style = plainStyle(m.composer.text.Cursor.Style)
}

func plainInput(ti *textinput.Model) {
	for _, s := range []*lipgloss.Style{&ti.PromptStyle, &ti.TextStyle, &ti.PlaceholderStyle, &ti.CompletionStyle, &ti.Cursor.Style, &ti.Cursor.TextStyle} {
		*s = plainStyle(*s)
	}
}

func plainArea(st *textarea.Style) {
	for _, s := range []*lipgloss.Style{&st.Base, &st.CursorLine, &st.CursorLineNumber, &st.EndOfBuffer, &st.LineNumber, &st.Placeholder, &st.Prompt, &st.Text} {
		*s = plainStyle(*s)
	}
}
