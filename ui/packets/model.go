package packets

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
)

// Defaults of Settings.
const (
	DefaultMaxRows  = 20000
	DefaultMaxBytes = 8 << 20
)

// Settings bound the view's memory.
type Settings struct {
	MaxRows  int // packets kept (default DefaultMaxRows)
	MaxBytes int // bytes kept, about (default DefaultMaxBytes)
}

// row is one packet held.
type row struct {
	p    mqttconn.Packet
	size int
}

// Model is the packets view: a part of the screen.
type Model struct {
	set    Settings
	keys   KeyMap
	styles Styles
	paints paints

	rows        ring   // oldest first; the oldest has sequence number first
	first, next uint64 // sequence numbers of the oldest row and of the next one
	bytes       int
	letGo       uint64 // rows let go to stay within the caps
	dropped     uint64 // packets the feed dropped (the view could not keep up)

	shown  []uint64 // sequence numbers that pass the filter, in order
	sel    int      // index in shown; -1 when nothing is shown
	top    int      // index in shown of the first row drawn
	follow bool     // the selection follows the newest packet

	linked    []uint64 // the selected packet's exchange
	linkedFor uint64   // the sequence number linked is for, plus one (0: none)
	linkedAt  uint64   // next when linked was found: found again after more packets

	types    [16]bool // the filter's types (none set: all)
	anyType  bool
	id       int // the filter's packet id, or -1
	filterIn textinput.Model
	filter   string // the filter as typed
	badWord  string

	width, height int
}

// New makes an empty view; set the colour profile before.
func New(set Settings, st Styles) Model {
	if set.MaxRows <= 0 {
		set.MaxRows = DefaultMaxRows
	}
	if set.MaxBytes <= 0 {
		set.MaxBytes = DefaultMaxBytes
	}
	ti := textinput.New()
	ti.Prompt = "filter: "
	ti.Placeholder = "pubrec pubrel 12"
	ti.Cursor.SetMode(cursor.CursorStatic)
	return Model{set: set, keys: DefaultKeyMap(), styles: st, paints: newPaints(st), sel: -1, follow: true, id: -1, filterIn: ti}
}

// rowSize is about what a row holds in memory.
func rowSize(p mqttconn.Packet) int {
	n := 160 + len(p.Topic)
	if c := p.Connect; c != nil {
		n += 64 + len(c.Protocol) + len(c.ClientID) + len(c.WillTopic)
	}
	if s := p.Subs; s != nil {
		n += 48 + len(s.Codes)
		for _, f := range s.Filters {
			n += 24 + len(f.Filter)
		}
	}
	return n
}

// Add appends packets (a drained batch) and the feed's count of dropped
// packets; the oldest rows go when over the caps.
func (m *Model) Add(ps []mqttconn.Packet, dropped uint64) {
	m.dropped = dropped
	for _, p := range ps {
		r := row{p: p, size: rowSize(p)}
		m.rows.push(r, m.set.MaxRows)
		m.bytes += r.size
		if m.matches(p) {
			m.shown = append(m.shown, m.next)
		}
		m.next++
	}
	k := m.rows.evicted // let go by push to stay within MaxRows
	m.rows.evicted = 0
	for _, size := range m.rows.evictedSizes {
		m.bytes -= size
	}
	m.rows.evictedSizes = m.rows.evictedSizes[:0]
	for m.bytes > m.set.MaxBytes && m.rows.n > 1 {
		m.bytes -= m.rows.pop().size
		k++
	}
	if k > 0 {
		m.first += uint64(k)
		m.letGo += uint64(k)
		j := 0
		for j < len(m.shown) && m.shown[j] < m.first {
			j++
		}
		m.shown = m.shown[j:]
		m.sel -= j
		m.top = max(m.top-j, 0)
		if m.sel < 0 && len(m.shown) > 0 {
			m.sel = 0
		}
	}
	if m.follow || m.sel < 0 {
		m.sel = len(m.shown) - 1
	}
	m.reveal()
}

// at is the row of sequence number s.
func (m *Model) at(s uint64) (row, bool) {
	if s < m.first || s >= m.next {
		return row{}, false
	}
	return m.rows.at(int(s - m.first)), true
}

// Len is how many packets are held.
func (m Model) Len() int { return m.rows.n }

// Selected is the selected packet.
func (m Model) Selected() (mqttconn.Packet, bool) {
	if m.sel < 0 || m.sel >= len(m.shown) {
		return mqttconn.Packet{}, false
	}
	r, ok := m.at(m.shown[m.sel])
	return r.p, ok
}

// Exchange is the selected packet's exchange, in order (the selected one
// among them), and the time from its first packet to its last; nil when
// the packet belongs to no exchange.
func (m *Model) Exchange() ([]mqttconn.Packet, time.Duration) {
	seqs := m.exchangeSeqs()
	if len(seqs) == 0 {
		return nil, 0
	}
	ps := make([]mqttconn.Packet, 0, len(seqs))
	for _, s := range seqs {
		r, _ := m.at(s)
		ps = append(ps, r.p)
	}
	return ps, ps[len(ps)-1].Time.Sub(ps[0].Time)
}

// exchangeSeqs is the selected packet's exchange, found once per selection.
func (m *Model) exchangeSeqs() []uint64 {
	if m.sel < 0 || m.sel >= len(m.shown) {
		return nil
	}
	s := m.shown[m.sel]
	if m.linkedFor != s+1 || m.linkedAt != m.next {
		m.linked, m.linkedFor, m.linkedAt = m.link(s), s+1, m.next
	}
	return m.linked
}

// SetSize sets the view's width and height in cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.filterIn.Width = max(w-len(m.filterIn.Prompt)-2, 1)
	m.reveal()
}

// listHeight is the rows of packets drawn: the view less its title and
// footer lines.
func (m Model) listHeight() int { return max(m.height-2, 1) }

// reveal scrolls so that the selection is in the window.
func (m *Model) reveal() {
	h := m.listHeight()
	if m.sel < m.top {
		m.top = max(m.sel, 0)
	}
	if m.sel >= m.top+h {
		m.top = m.sel - h + 1
	}
	m.top = max(min(m.top, len(m.shown)-h), 0)
}

// Keys returns the keys enabled now, for the help line.
func (m Model) Keys() KeyMap {
	m.updateKeys()
	return m.keys
}

// Typing reports whether the filter input has the keys: every key,
// letters included, should come to Update.
func (m Model) Typing() bool { return m.filterIn.Focused() }

// HandlesEsc reports whether Esc does something here (end or drop the
// filter); when not, the screen may use it to leave the view.
func (m Model) HandlesEsc() bool { return m.Typing() || m.filter != "" }

func (m *Model) updateKeys() {
	k := &m.keys
	typing := m.Typing()
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom, &k.Filter} {
		b.SetEnabled(!typing)
	}
	k.ClearFilter.SetEnabled(!typing && m.filter != "")
	k.ApplyFilter.SetEnabled(typing)
	k.CancelFilter.SetEnabled(typing)
}

// Update handles a key.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	m.updateKeys()
	k := m.keys
	if m.Typing() {
		switch {
		case key.Matches(km, k.ApplyFilter):
			m.filterIn.Blur()
			return m, nil
		case key.Matches(km, k.CancelFilter):
			m.filterIn.Blur()
			m.filterIn.SetValue("")
			m.SetFilter("")
			return m, nil
		}
		var cmd tea.Cmd
		m.filterIn, cmd = m.filterIn.Update(km)
		m.SetFilter(m.filterIn.Value())
		return m, cmd
	}
	h := m.listHeight()
	last := len(m.shown) - 1
	switch {
	case key.Matches(km, k.Up):
		m.move(-1)
	case key.Matches(km, k.Down):
		m.move(1)
	case key.Matches(km, k.PageUp):
		m.move(-h)
	case key.Matches(km, k.PageDown):
		m.move(h)
	case key.Matches(km, k.Top):
		m.move(-len(m.shown))
	case key.Matches(km, k.Bottom):
		m.sel, m.follow = last, true
		m.reveal()
	case key.Matches(km, k.Filter):
		m.filterIn.SetValue(m.filter)
		m.filterIn.CursorEnd()
		return m, m.filterIn.Focus()
	case key.Matches(km, k.ClearFilter):
		m.filterIn.SetValue("")
		m.SetFilter("")
	}
	return m, nil
}

// move moves the selection by d rows; it follows the newest packet again
// once it reaches it.
func (m *Model) move(d int) {
	if len(m.shown) == 0 {
		return
	}
	m.sel = max(min(m.sel+d, len(m.shown)-1), 0)
	m.follow = m.sel == len(m.shown)-1
	m.reveal()
}

// SetFilter keeps the packets that match s: packet type names or their
// starts ("pub" is every PUBLISH, PUBACK, PUBREC, PUBREL and PUBCOMP; a
// whole name, only that type) and a packet id, separated by spaces or
// commas. An unknown word is shown and the rest applies.
func (m *Model) SetFilter(s string) {
	keepSeq := uint64(0)
	if m.sel >= 0 && m.sel < len(m.shown) {
		keepSeq = m.shown[m.sel]
	}
	m.filter, m.badWord = strings.TrimSpace(s), ""
	m.types, m.anyType, m.id = [16]bool{}, false, -1
	for _, w := range strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool { return r == ' ' || r == ',' }) {
		if n, err := strconv.Atoi(strings.TrimPrefix(w, "ID")); err == nil && n >= 0 && n <= 65535 {
			m.id = n
			continue
		}
		exact, found := false, false
		for t := byte(1); t <= mqttconn.TypeAuth; t++ {
			if name := (mqttconn.Packet{Type: t}).TypeName(); name == w {
				m.types, exact = [16]bool{}, true
				m.types[t], found = true, true
			}
		}
		if !exact {
			for t := byte(1); t <= mqttconn.TypeAuth; t++ {
				if strings.HasPrefix((mqttconn.Packet{Type: t}).TypeName(), w) {
					m.types[t], found = true, true
				}
			}
		}
		if !found {
			m.badWord = w
		}
		m.anyType = m.anyType || found
	}
	m.shown = m.shown[:0]
	m.sel = -1
	for i := range m.rows.n {
		if r := m.rows.at(i); m.matches(r.p) {
			s := m.first + uint64(i)
			if s <= keepSeq || m.sel < 0 {
				m.sel = len(m.shown)
			}
			m.shown = append(m.shown, s)
		}
	}
	m.follow = m.sel == len(m.shown)-1
	m.reveal()
}

// matches says whether p passes the filter.
func (m *Model) matches(p mqttconn.Packet) bool {
	if m.anyType && (p.Type > 15 || !m.types[p.Type]) {
		return false
	}
	if m.id >= 0 {
		_, _, _, ok := exchangeOf(p)
		return ok && p.ID == uint16(m.id) && p.Type != mqttconn.TypePingreq && p.Type != mqttconn.TypePingresp &&
			p.Type != mqttconn.TypeConnect && p.Type != mqttconn.TypeConnack
	}
	return true
}

// filterWords is the filter as applied, for the title line.
func (m Model) filterWords() string {
	var parts []string
	for t := byte(1); t <= mqttconn.TypeAuth; t++ {
		if m.types[t] {
			parts = append(parts, (mqttconn.Packet{Type: t}).TypeName())
		}
	}
	if m.id >= 0 {
		parts = append(parts, fmt.Sprintf("id %d", m.id))
	}
	s := strings.Join(parts, " ")
	if m.badWord != "" {
		s += fmt.Sprintf(" (no packet type %q)", m.badWord)
	}
	return s
}
