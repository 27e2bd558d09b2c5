package topics

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"mqttchat/ui/diff"
	"mqttchat/ui/sanitize"

	"mqttchat/ui/words"
)

// minExactWidth is the narrowest view whose tree rows come out exactly as
// wide as the view; narrower, each line is cut to fit.
const minExactWidth = 40

// newFor is how long a node keeps its mark of new activity, counted at the
// screen's tick.
const newFor = 2 * time.Second

// View draws the view in its width × height.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var lines []string
	switch m.pane {
	case paneValues:
		lines = m.valuesView()
	case panePlot:
		lines = m.plotView()
	default:
		lines = m.treeView()
	}
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	if m.pane != paneTree || m.width < minExactWidth {
		for i, l := range lines {
			lines[i] = fit(l, m.width)
		}
	}
	blank := strings.Repeat(" ", m.width)
	for len(lines) < m.height {
		lines = append(lines, blank)
	}
	return strings.Join(lines, "\n")
}

// fit cuts or pads a line to exactly w cells.
func fit(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}

// clock is the time ages and rates are measured against.
func (m *Model) clock() time.Time {
	if m.now.IsZero() {
		return m.tree.latest
	}
	return m.now
}

func (m *Model) wide() bool { return m.width >= 60 }

// columns formats the right-hand columns: retained mark, messages, rate
// (when wide) and age.
func (m *Model) columns(ret, count, rate, age string) string {
	if m.wide() {
		return fmt.Sprintf(" %1s %6s %7s %4s", ret, count, rate, age)
	}
	return fmt.Sprintf(" %1s %6s %4s", ret, count, age)
}

func (m *Model) treeView() []string {
	t := m.tree
	st := m.styles
	cols := m.columns("R", "msgs", "rate", "age")
	lw := max(m.width-ansi.StringWidth(cols), 0)
	s := t.Stats()
	head := st.Title.Render("Topics") + st.Hint.Render(fmt.Sprintf(" · %d %s · %d retained · %s msgs", s.Topics, words.Plural(s.Topics, "topic", "topics"), s.Retained, count(s.Messages)))
	if s.DroppedMsgs > 0 {
		head += st.Warn.Render(fmt.Sprintf(" · %s msgs on topics over the %d limit", count(s.DroppedMsgs), t.set.MaxTopics))
	}
	if s.DroppedValues > 0 {
		head += st.Hint.Render(fmt.Sprintf(" · %s old values dropped", count(s.DroppedValues)))
	}
	lines := []string{fit(head, lw) + m.paints.hint.On(cols)}
	if m.headerRows() == 2 {
		line := "search: "
		if m.searchIn.Focused() {
			line += m.searchIn.View()
		} else {
			line += sanitize.String(t.search)
		}
		if m.searchErr != "" {
			line += st.Warn.Render(" " + m.searchErr)
		}
		if t.search != "" {
			line += st.Hint.Render(fmt.Sprintf(" · %d %s", t.hits, words.Plural(t.hits, "topic matches", "topics match")))
		}
		lines = append(lines, fit(line, m.width))
	}
	if m.top == nil {
		if s.Topics == 0 {
			lines = append(lines, fit(st.Hint.Render("  no topic seen yet"), m.width))
		}
		return lines
	}
	now := m.clock()
	rows := m.treeRows()
	n := m.top
	for i := 0; i < rows && n != nil; i++ {
		lines = append(lines, m.row(n, n == m.sel, now, lw))
		n = t.next(n)
	}
	if len(lines) == m.headerRows() && t.search != "" {
		lines = append(lines, fit(st.Hint.Render("  no topic matches"), m.width))
	}
	return lines
}

// row draws one node in exactly m.width cells: selection and activity
// marks, indentation, fold icon, name and last value (or, folded, what is
// below), then the columns. Widths are measured on the plain pieces; styles
// are wrapped around them after.
func (m *Model) row(n *node, selected bool, now time.Time, lw int) string {
	p := &m.paints
	mark := " "
	if n.last >= now.Add(-newFor).UnixNano() {
		mark = "●"
	}
	icon := " "
	if len(n.order) > 0 {
		icon = "▸"
		if n.expanded {
			icon = "▾"
		}
	}
	folded := len(n.order) > 0 && !n.expanded
	var info string
	switch {
	case folded:
		info = fmt.Sprintf("(%d %s", n.topics, words.Plural(int(n.topics), "topic", "topics"))
		if n.retBelow > 0 {
			info += fmt.Sprintf(", %d retained", n.retBelow)
		}
		info += ")"
	case n.isTopic():
		info = m.tree.previewOf(n)
	}
	ret := ""
	if n.retained {
		ret = "R"
	}
	age := ""
	if n.last > 0 {
		age = words.Ago(max(now.Sub(time.Unix(0, n.last)), 0))
	}
	cols := m.columns(ret, count(n.total), rateText(n.rate.perSecond(now)), age)
	indent := strings.Repeat("  ", min(int(n.depth), max((lw-8)/2, 0)))
	room := lw - 2 - len(indent) - 2 // marks, indent, icon and space
	name, nw := cut(quote(n.name), room)
	room -= nw
	if room > 2 && info != "" {
		info, _ = cut(info, room-2)
		info = "  " + info
	} else {
		info = ""
	}
	pad := strings.Repeat(" ", max(room-width(info), 0))
	if selected {
		return p.selected.On("›" + mark + indent + icon + " " + name + info + pad + cols)
	}
	nameP, infoP := p.leaf, p.preview
	if len(n.order) > 0 {
		nameP = p.name
	}
	if folded {
		infoP = p.hint
	}
	return " " + p.new.On(mark) + indent + icon + " " + nameP.On(name) + infoP.On(info) + pad +
		p.retained.On(cols[:2]) + p.stats.On(cols[2:])
}

// count shows a count in at most 6 cells.
func count(n uint64) string {
	switch {
	case n < 100_000:
		return strconv.FormatUint(n, 10)
	case n < 10_000_000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	case n < 10_000_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1fG", float64(n)/1e9)
}

// rateText shows messages per second in at most 7 cells.
func rateText(r float64) string {
	switch {
	case r < 0.05:
		return ""
	case r < 1000:
		return fmt.Sprintf("%.1f/s", r)
	}
	return fmt.Sprintf("%.1fk/s", r/1000)
}

// valuesView is a topic's recent values, newest first, after the diff of
// the last against the one before.
func (m *Model) valuesView() []string {
	st := m.styles
	n := m.topic
	vals := n.values()
	head := st.Title.Render(quote(n.topic)) + st.Hint.Render(fmt.Sprintf(" · %d %s kept (of %s received)", len(vals), words.Plural(len(vals), "value", "values"), count(n.own)))
	var body []string
	switch {
	case len(vals) >= 2:
		prev, last := vals[len(vals)-2], vals[len(vals)-1]
		d := diff.Compare(prev.Payload, last.Payload)
		body = append(body, fmt.Sprintf("the last value against the one before (%s → %s): %d %s",
			prev.At.Format("15:04:05.000"), last.At.Format("15:04:05.000"), diff.Changes(d), words.Plural(diff.Changes(d), "change", "changes")))
		if prev.Cut() || last.Cut() {
			body = append(body, st.Hint.Render(fmt.Sprintf("(values are kept cut to %d bytes: this compares their starts)", m.tree.set.ValueBytes)))
		}
		body = append(body, diff.Render(d, m.width, st.Diff)...)
	case len(vals) == 1:
		body = append(body, st.Hint.Render("one value kept: no diff yet"))
	default:
		body = append(body, st.Hint.Render("no value kept (dropped for the memory budget)"))
	}
	body = append(body, "", "recent values, newest first:")
	for i := len(vals) - 1; i >= 0; i-- {
		v := vals[i]
		flags := fmt.Sprintf("q%d", v.QoS)
		if v.Retained {
			flags += " R"
		}
		body = append(body, fmt.Sprintf("%s  %-4s %6d B  ", v.At.Format("15:04:05.000"), flags, v.Size)+m.tree.preview(v.Payload))
	}
	rows := max(m.height-1, 1)
	off := min(m.valuesOff, max(len(body)-rows, 0))
	return append([]string{head}, body[off:]...)
}

// plotView is a topic's numbers over time.
func (m *Model) plotView() []string {
	st := m.styles
	head := st.Title.Render(quote(m.topic.topic))
	if m.field != "" {
		head += st.Hint.Render(" · field " + sanitize.String(m.field))
		if len(m.fields) > 1 {
			head += st.Hint.Render(fmt.Sprintf(" (%d of %d: f for the next)", indexOf(m.fields, m.field)+1, len(m.fields)))
		}
	}
	if m.plot.Len() == 0 {
		return []string{head, st.Hint.Render("no numbers in the values kept: a bare number, a number with a unit or a JSON object with a numeric field can be plotted")}
	}
	return append([]string{head}, strings.Split(m.plot.View(), "\n")...)
}
