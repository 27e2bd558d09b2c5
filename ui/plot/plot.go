package plot

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/ui/sanitize"
)

// MaxPoints is how many points a plot keeps; the oldest go first.
const MaxPoints = 2000

// Point is one value at one time.
type Point struct {
	At time.Time
	V  float64
}

// KeyMap are the plot's keys.
type KeyMap struct {
	Prev, Next, First, Follow key.Binding
}

// DefaultKeyMap returns the plot's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Prev:   key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/→", "move the cursor")),
		Next:   key.NewBinding(key.WithKeys("right", "l")),
		First:  key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "first point")),
		Follow: key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "follow the last")),
	}
}

// ShortHelp is the plot's help line.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Prev, k.First, k.Follow} }

// FullHelp lists every plot key.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Styles are the plot's styles.
type Styles struct {
	Line, Axis, Cursor, Label lipgloss.Style
}

// DefaultStyles returns adaptive styles.
func DefaultStyles() Styles {
	return Styles{
		Line:   lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#0b6e99", Dark: "#67d4ff"}),
		Axis:   lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#8a8a8a", Dark: "#6c6c6c"}),
		Cursor: lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#b42318", Dark: "#f87171"}).Bold(true),
		Label:  lipgloss.NewStyle().Bold(true),
	}
}

// Model is a line chart of points over time that follows new points and
// has a cursor on one point.
type Model struct {
	unit          string // raw; sanitized when drawn
	points        []Point
	cursor        int // index into points; -1 follows the last
	width, height int
	keys          KeyMap
	styles        Styles
}

// New makes an empty plot whose values are in unit ("" for none).
func New(unit string, st Styles) Model {
	return Model{unit: unit, cursor: -1, keys: DefaultKeyMap(), styles: st}
}

// SetPoints replaces the points (sorted by time here).
func (m *Model) SetPoints(ps []Point) {
	m.points = slices.Clone(ps)
	slices.SortStableFunc(m.points, func(a, b Point) int { return a.At.Compare(b.At) })
	if len(m.points) > MaxPoints {
		m.points = m.points[len(m.points)-MaxPoints:]
	}
	m.cursor = -1
}

// Push adds a point; a point older than the last is put in its place.
func (m *Model) Push(p Point) {
	i := len(m.points)
	for i > 0 && m.points[i-1].At.After(p.At) {
		i--
	}
	m.points = slices.Insert(m.points, i, p)
	if m.cursor >= i {
		m.cursor++
	}
	if len(m.points) > MaxPoints {
		m.points = m.points[1:]
		if m.cursor > 0 {
			m.cursor--
		}
	}
}

// SetUnit sets the unit shown after values.
func (m *Model) SetUnit(u string) { m.unit = u }

// Len is the number of points.
func (m Model) Len() int { return len(m.points) }

// SetSize sets the plot's width and height in cells.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Keys returns the plot's keys.
func (m Model) Keys() KeyMap { return m.keys }

// Cursor is the point under the cursor and whether there is one.
func (m Model) Cursor() (Point, bool) {
	i := m.cursorIndex()
	if i < 0 {
		return Point{}, false
	}
	return m.points[i], true
}

func (m Model) cursorIndex() int {
	if m.cursor < 0 || m.cursor >= len(m.points) {
		return len(m.points) - 1
	}
	return m.cursor
}

// Update moves the cursor.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || len(m.points) == 0 {
		return m, nil
	}
	i := m.cursorIndex()
	switch {
	case key.Matches(k, m.keys.Prev):
		m.cursor = max(i-1, 0)
	case key.Matches(k, m.keys.Next):
		m.cursor = min(i+1, len(m.points)-1)
		if m.cursor == len(m.points)-1 {
			m.cursor = -1
		}
	case key.Matches(k, m.keys.First):
		m.cursor = 0
	case key.Matches(k, m.keys.Follow):
		m.cursor = -1
	}
	return m, nil
}

// Format shows a value compactly: up to 3 decimals, exponent form for the
// very large and very small.
func Format(v float64) string {
	a := math.Abs(v)
	if a != 0 && (a >= 1e9 || a < 1e-3) {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}

func (m Model) withUnit(v float64) string {
	if m.unit == "" {
		return Format(v)
	}
	return Format(v) + " " + sanitize.String(m.unit)
}

// timeLabel formats a time for the axis; a span over a day shows dates.
func timeLabel(t time.Time, span time.Duration) string {
	if span > 24*time.Hour {
		return t.Format("01-02 15:04")
	}
	return t.Format("15:04:05")
}

// View draws the summary line, the chart and its time axis in
// width × height cells.
func (m Model) View() string {
	w, h := m.width, m.height
	if w < 20 || h < 5 {
		return ansi.Truncate("the plot needs at least 20×5 cells", max(w, 0), "…")
	}
	if len(m.points) == 0 {
		return "no numbers yet"
	}
	lo, hi := m.points[0].V, m.points[0].V
	for _, p := range m.points {
		lo, hi = min(lo, p.V), max(hi, p.V)
	}
	t0, t1 := m.points[0].At, m.points[len(m.points)-1].At
	span := t1.Sub(t0)
	ci := m.cursorIndex()
	cp := m.points[ci]

	summary := fmt.Sprintf("last %s · min %s · max %s · %d points", m.withUnit(m.points[len(m.points)-1].V), Format(lo), Format(hi), len(m.points))
	cursor := fmt.Sprintf("cursor %s = %s", timeLabel(cp.At, span), m.withUnit(cp.V))
	lines := []string{ansi.Truncate(summary, w, "…"), m.styles.Cursor.Render(ansi.Truncate(cursor, w, "…"))}

	hiL, loL := Format(hi), Format(lo)
	labelW := max(ansi.StringWidth(hiL), ansi.StringWidth(loL))
	cw, ch := w-labelW-1, h-len(lines)-2
	if cw < 4 || ch < 1 {
		return strings.Join(lines, "\n")
	}
	dotsW, dotsH := cw*2, ch*4
	xOf := func(i int) int {
		if span <= 0 {
			if len(m.points) == 1 {
				return 0
			}
			return i * (dotsW - 1) / (len(m.points) - 1)
		}
		return int(math.Round(float64(m.points[i].At.Sub(t0)) / float64(span) * float64(dotsW-1)))
	}
	yOf := func(v float64) int {
		if hi == lo {
			return dotsH / 2
		}
		return int(math.Round((hi - v) / (hi - lo) * float64(dotsH-1)))
	}
	grid := make([][]uint8, ch)
	for r := range grid {
		grid[r] = make([]uint8, cw)
	}
	set := func(x, y int) {
		if x >= 0 && x < dotsW && y >= 0 && y < dotsH {
			grid[y/4][x/2] |= brailleBit[y%4][x%2]
		}
	}
	px, py := xOf(0), yOf(m.points[0].V)
	set(px, py)
	for i := 1; i < len(m.points); i++ {
		x, y := xOf(i), yOf(m.points[i].V)
		line(px, py, x, y, set)
		px, py = x, y
	}
	curCol := xOf(ci) / 2

	for r := 0; r < ch; r++ {
		label := ""
		switch r {
		case 0:
			label = hiL
		case ch - 1:
			label = loL
		}
		var b strings.Builder
		b.WriteString(m.styles.Axis.Render(fmt.Sprintf("%*s┤", labelW, label)))
		for c := 0; c < cw; c++ {
			cell := string(rune(0x2800 + int(grid[r][c])))
			switch {
			case c == curCol && grid[r][c] == 0:
				b.WriteString(m.styles.Cursor.Render("┊"))
			case c == curCol:
				b.WriteString(m.styles.Cursor.Render(cell))
			default:
				b.WriteString(m.styles.Line.Render(cell))
			}
		}
		lines = append(lines, b.String())
	}
	axis := []rune(strings.Repeat("─", cw))
	axis[curCol] = '┴'
	lines = append(lines, m.styles.Axis.Render(strings.Repeat(" ", labelW)+"└"+string(axis)))
	left, right := timeLabel(t0, span), timeLabel(t1, span)
	gap := cw + 1 - len(left) - len(right)
	times := strings.Repeat(" ", labelW) + left
	if gap >= 1 {
		times += strings.Repeat(" ", gap) + right
	}
	lines = append(lines, m.styles.Axis.Render(ansi.Truncate(times, w, "")))
	return strings.Join(lines, "\n")
}

// brailleBit is the bit of the dot at row y, column x of a braille cell.
var brailleBit = [4][2]uint8{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}

// line sets the dots from (x0, y0) to (x1, y1) (Bresenham).
func line(x0, y0, x1, y1 int, set func(x, y int)) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	e := dx + dy
	for {
		set(x0, y0)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
