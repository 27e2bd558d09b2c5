package screen

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// helpColumnWidth is the widest a column of the full help gets: narrower
// columns put two side by side at 80 columns, three at 120.
const helpColumnWidth = 40

// helpSection is one part's keys in the full help.
type helpSection struct {
	title    string
	bindings []key.Binding
}

// helpKeys are the keys of the full help.
type helpKeys struct {
	Close  key.Binding
	Scroll key.Binding // help only: the viewport's keys
}

func newHelpKeys() helpKeys {
	return helpKeys{
		Close:  key.NewBinding(key.WithKeys("esc", "f1", "q", "?"), key.WithHelp("esc/f1/q", "close the help")),
		Scroll: key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓/pgup/pgdn", "scroll")),
	}
}

// ShortHelp is the help line while the full help is open.
func (k helpKeys) ShortHelp() []key.Binding { return []key.Binding{k.Close, k.Scroll} }

// FullHelp lists the help's own keys.
func (k helpKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// helpView is the full help: every part's keys under the part's name, in
// as many columns as the width holds, scrolling when they do not fit.
type helpView struct {
	sections []helpSection
	vp       viewport.Model
	keys     helpKeys
	styles   *Styles
	requester
}

func newHelpView(sections []helpSection, s *Styles) helpView {
	return helpView{sections: sections, vp: viewport.New(0, 0), keys: newHelpKeys(), styles: s}
}

func (h *helpView) setSize(w, height int) {
	h.vp.Width, h.vp.Height = w, max(height, 1)
	h.vp.SetContent(h.render(w))
}

// update scrolls or closes the help.
func (h helpView) update(msg tea.Msg) (helpView, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && key.Matches(k, h.keys.Close) {
		h.req = requestClose
		return h, nil
	}
	var cmd tea.Cmd
	h.vp, cmd = h.vp.Update(msg)
	return h, cmd
}

// render lays the sections out in columns as wide as the widest section.
func (h *helpView) render(width int) string {
	s := h.styles
	var blocks []string
	colWidth := 0
	for _, sec := range h.sections {
		lines := []string{s.TitleFocused.Render(sec.title)}
		keyWidth := 0
		for _, b := range sec.bindings {
			keyWidth = max(keyWidth, ansi.StringWidth(b.Help().Key))
		}
		for _, b := range sec.bindings {
			k := b.Help().Key
			lines = append(lines, "  "+s.HelpKey.Render(k)+strings.Repeat(" ", keyWidth-ansi.StringWidth(k))+"  "+s.Hint.Render(b.Help().Desc))
		}
		block := strings.Join(lines, "\n")
		colWidth = max(colWidth, lipgloss.Width(block))
		blocks = append(blocks, block)
	}
	colWidth = min(colWidth+2, helpColumnWidth, width)
	cols := max(width/colWidth, 1)
	var rows []string
	for i := 0; i < len(blocks); i += cols {
		var cells []string
		for _, b := range blocks[i:min(i+cols, len(blocks))] {
			cells = append(cells, wrapBlock(b, colWidth))
		}
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, cells...))
	}
	return strings.Join(rows, "\n\n")
}

// wrapBlock wraps each line of a block to w cells, continuing under the
// description, and pads it to w.
func wrapBlock(block string, w int) string {
	var out []string
	for _, l := range strings.Split(block, "\n") {
		for i, part := range strings.Split(ansi.Wrap(l, w-1, ""), "\n") {
			if i > 0 {
				part = "      " + part
			}
			out = append(out, part+strings.Repeat(" ", max(w-ansi.StringWidth(part), 0)))
		}
	}
	return strings.Join(out, "\n")
}

// View draws the help's visible rows.
func (h *helpView) View() string { return h.vp.View() }
