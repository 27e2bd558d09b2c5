package packets

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
)

// timeLayout is a row's time, to the millisecond.
const timeLayout = "15:04:05.000"

// typeWidth is the widest type name (UNSUBSCRIBE).
const typeWidth = 11

// View draws the title line, the visible rows and a footer: the selected
// packet's exchange and round trip, or the filter being typed. Its cost
// follows the rows drawn, not the rows held.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(m.fit(m.title()))
	h := m.listHeight()
	var linked map[uint64]bool
	if seqs := m.exchangeSeqs(); len(seqs) > 1 {
		linked = make(map[uint64]bool, len(seqs))
		for _, s := range seqs {
			linked[s] = true
		}
	}
	for i := m.top; i < m.top+h; i++ {
		b.WriteByte('\n')
		if i >= len(m.shown) {
			continue
		}
		s := m.shown[i]
		r, _ := m.at(s)
		b.WriteString(m.line(r.p, i == m.sel, linked[s]))
	}
	b.WriteByte('\n')
	b.WriteString(m.footer())
	return b.String()
}

// fit cuts a plain line to the width.
func (m *Model) fit(s string) string { return ansi.Truncate(s, m.width, "…") }

// title says what is held, what was dropped and the filter.
func (m *Model) title() string {
	s := fmt.Sprintf("packets: %d", m.rows.n)
	if m.filter != "" {
		s = fmt.Sprintf("packets: %d of %d · filter %s", len(m.shown), m.rows.n, m.filterWords())
	}
	if m.letGo > 0 {
		s += fmt.Sprintf(" · %d older let go", m.letGo)
	}
	t := m.styles.Title.Render(m.fit(s))
	if m.dropped > 0 {
		t += m.styles.Warn.Render(m.fitRest(s, fmt.Sprintf(" · %d not shown (the view fell behind)", m.dropped)))
	}
	return t
}

// fitRest cuts more to what is left of the width after before.
func (m *Model) fitRest(before, more string) string {
	left := m.width - ansi.StringWidth(before)
	if left <= 0 {
		return ""
	}
	return ansi.Truncate(more, left, "…")
}

// line is one packet's row.
func (m *Model) line(p mqttconn.Packet, selected, linked bool) string {
	mark, arrow, dir := "  ", ArrowIn, m.paints.in
	if p.Out {
		arrow, dir = ArrowOut, m.paints.out
	}
	switch {
	case selected:
		mark = "▶ "
	case linked:
		mark = "• "
	}
	var b strings.Builder
	b.Grow(128)
	b.WriteString(mark)
	b.WriteString(p.Time.Format(timeLayout))
	head := b.Len()
	b.WriteString(" " + arrow + " ")
	arrowEnd := b.Len()
	name, words := p.TypeName(), Words(p)
	b.WriteString(name)
	if words != "" {
		for range typeWidth - len(name) {
			b.WriteByte(' ')
		}
	}
	typeEnd := b.Len()
	if words != "" {
		b.WriteByte(' ')
		b.WriteString(words)
	}
	full := b.String()
	plain := m.fit(full)
	if selected {
		return m.paints.selected.of(plain + strings.Repeat(" ", max(m.width-ansi.StringWidth(plain), 0)))
	}
	if len(plain) < typeEnd || plain[:typeEnd] != full[:typeEnd] { // cut before the words: no colours
		return m.paints.words.of(plain)
	}
	ty := m.paints.typ
	if linked {
		ty = m.paints.linked
	}
	return m.paints.time.of(plain[:head]) + dir.of(plain[head:arrowEnd]) + ty.of(plain[arrowEnd:typeEnd]) + m.paints.words.of(plain[typeEnd:])
}

// footer is the filter being typed, or the selected packet's exchange.
func (m *Model) footer() string {
	if m.Typing() {
		return m.filterIn.View()
	}
	ps, rtt := m.Exchange()
	if len(ps) == 0 {
		if m.rows.n == 0 {
			return m.styles.Hint.Render(m.fit("no packet yet: every packet sent (→) and received (←) shows here"))
		}
		if p, ok := m.Selected(); ok {
			return m.styles.Hint.Render(m.fit(p.TypeName() + ": no answer expected"))
		}
		return ""
	}
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(p.TypeName())
		if p.Out {
			b.WriteString(ArrowOut)
		} else {
			b.WriteString(ArrowIn)
		}
	}
	s := "exchange: " + b.String()
	if x, _, _, _ := exchangeOf(ps[0]); x.id != 0 {
		s += fmt.Sprintf(" · id %d", x.id)
	}
	_, _, closes, _ := exchangeOf(ps[len(ps)-1])
	if closes && len(ps) > 1 {
		s += " · round trip " + roundTrip(rtt)
	} else {
		s += " · open"
	}
	return m.styles.Hint.Render(m.fit(s))
}

// roundTrip is a duration in ms with a precision that suits it.
func roundTrip(d interface{ Seconds() float64 }) string {
	ms := d.Seconds() * 1000
	if ms < 10 {
		return fmt.Sprintf("%.2f ms", ms)
	}
	return fmt.Sprintf("%.0f ms", ms)
}
