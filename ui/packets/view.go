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
	s := fmt.Sprintf("packets: %d", len(m.rows))
	if m.filter != "" {
		s = fmt.Sprintf("packets: %d of %d · filter %s", len(m.shown), len(m.rows), m.filterWords())
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
	mark, arrow, dir := "  ", ArrowIn, m.styles.In
	if p.Out {
		arrow, dir = ArrowOut, m.styles.Out
	}
	switch {
	case selected:
		mark = "▶ "
	case linked:
		mark = "• "
	}
	plain := fmt.Sprintf("%s%s %s %-*s %s", mark, p.Time.Format(timeLayout), arrow, typeWidth, p.TypeName(), Words(p))
	plain = m.fit(strings.TrimRight(plain, " "))
	if selected {
		return m.styles.Selected.Render(plain + strings.Repeat(" ", max(m.width-ansi.StringWidth(plain), 0)))
	}
	// Colour by parts of the plain line already cut to the width, when
	// the cut is in the words.
	w := len(mark) + len(timeLayout)
	if m.width <= 2+len(timeLayout)+3+typeWidth+2 {
		return m.styles.Words.Render(plain)
	}
	out := m.styles.Time.Render(plain[:w+1])
	rest := plain[w+1:]
	if len(rest) < len(arrow) {
		return out + rest
	}
	out += dir.Render(rest[:len(arrow)])
	rest = rest[len(arrow):]
	n := min(len(rest), 1+typeWidth)
	ty := m.styles.Type
	if linked {
		ty = ty.Inherit(m.styles.Linked)
	}
	return out + ty.Render(rest[:n]) + m.styles.Words.Render(rest[n:])
}

// footer is the filter being typed, or the selected packet's exchange.
func (m *Model) footer() string {
	if m.Typing() {
		return m.filterIn.View()
	}
	ps, rtt := m.Exchange()
	if len(ps) == 0 {
		if len(m.rows) == 0 {
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
