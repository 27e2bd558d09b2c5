package screen

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Default caps of the in-memory message window.
const (
	DefaultMaxMessages = 50000
	DefaultMaxBytes    = 64 << 20
)

// messageList is the scrolling list of messages and timeline rows: a window
// capped by count and bytes, newest at the bottom, optionally narrowed by a
// live filter. It renders only the rows that are visible, from per-entry
// caches, so its cost does not grow with the number of entries held.
type messageList struct {
	items    []*entry // items[start:] are held, oldest first
	start    int
	firstSeq uint64 // seq of items[start]
	nextSeq  uint64
	bytes    int
	messages int // held entries that are messages (not timeline rows)
	maxCount int
	maxBytes int

	outgoing map[uint64]*entry // outgoing entries by outbox id, for state updates

	filter  *listFilter
	matches []uint64 // with a filter: seqs of the matching entries, ascending

	paused bool   // the view holds still while messages keep arriving
	sel    uint64 // seq of the selected entry
	hasSel bool

	width, height int
	maxLines      int     // the most lines a row wraps to
	chat          bool    // the filter lets one topic through: rows do not repeat it (the chat layout)
	styles        *Styles // for rendering rows, whose heights depend on it
	lastDay       int     // dayKey of the newest entry with a time, 0 before the first
	offset        int     // visible entries hidden below the view; 0 follows new messages
	newBelow      int     // visible entries that arrived while scrolled up
	evicted       uint64
}

// DefaultRowLines is how many lines a text message wraps to in the list.
const DefaultRowLines = 4

func newMessageList(maxCount, maxBytes, maxLines int, s *Styles) messageList {
	if maxCount <= 0 {
		maxCount = DefaultMaxMessages
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if maxLines <= 0 {
		maxLines = DefaultRowLines
	}
	return messageList{maxCount: maxCount, maxBytes: maxBytes, maxLines: maxLines, styles: s, outgoing: map[uint64]*entry{}}
}

// Len is the number of entries held.
func (l *messageList) Len() int { return len(l.items) - l.start }

func (l *messageList) at(i int) *entry { return l.items[l.start+i] }

// visibleLen is the number of entries the view can show: all, or the matches.
func (l *messageList) visibleLen() int {
	if l.filter != nil {
		return len(l.matches)
	}
	return l.Len()
}

// visibleAt is the i-th entry the view can show.
func (l *messageList) visibleAt(i int) *entry {
	if l.filter != nil {
		return l.at(int(l.matches[i] - l.firstSeq))
	}
	return l.at(i)
}

func (l *messageList) setSize(w, h int) {
	l.width, l.height = max(w, 1), max(h, 0)
	l.clampOffset()
}

// push adds an entry at the bottom and evicts the oldest over the caps.
// An entry from another local day than the one before it gets a day
// divider above it.
func (l *messageList) push(e *entry) {
	if !e.time.IsZero() {
		d := dayKey(e.time)
		if d != l.lastDay && l.lastDay != 0 && !e.day {
			l.push(newDayEntry(e.time))
		}
		l.lastDay = d
	}
	e.seq = l.nextSeq
	l.nextSeq++
	l.items = append(l.items, e)
	e.held = e.cost()
	l.bytes += e.held
	if e.kind != entryEvent {
		l.messages++
	}
	if e.kind == entryOut {
		l.outgoing[e.outID] = e
	}
	visible := true
	if l.filter != nil {
		visible = l.filter.match(e)
		if visible {
			l.matches = append(l.matches, e.seq)
		}
	}
	if visible && (l.offset > 0 || l.paused) {
		l.offset++
		l.newBelow++
	}
	l.evict()
}

// pushOrFold adds a timeline row, or folds it into the newest row when that
// says the same thing (the same repeatKey, the same day): a reconnect loop
// against a dead broker keeps one row that counts the attempts, rather than
// filling the list overnight.
func (l *messageList) pushOrFold(e *entry) {
	if n := l.Len(); n > 0 && e.repeatKey != "" {
		last := l.at(n - 1)
		if last.kind == entryEvent && last.repeatKey == e.repeatKey && dayKey(last.time) == dayKey(e.time) {
			if last.repeats == 0 {
				last.since = last.time
			}
			l.bytes -= last.held
			last.repeats++
			last.time, last.note, last.warn = e.time, e.note, e.warn
			last.held = last.cost()
			l.bytes += last.held
			last.invalidate()
			return
		}
	}
	l.push(e)
}

// dayKey names t's local calendar day as yyyymmdd.
func dayKey(t time.Time) int {
	y, m, d := t.Local().Date()
	return y*10000 + int(m)*100 + d
}

// evict drops the oldest entries while over a cap. While the user reads
// scrolled up, the rows in view are kept, up to a hard limit of a tenth more.
func (l *messageList) evict() {
	hardCount, hardBytes := l.maxCount+l.maxCount/10, l.maxBytes+l.maxBytes/10
	for l.Len() > 0 && (l.Len() > l.maxCount || l.bytes > l.maxBytes) {
		if l.offset > 0 && l.firstInView() && l.Len() <= hardCount && l.bytes <= hardBytes {
			break
		}
		e := l.at(0)
		l.items[l.start] = nil
		l.start++
		l.firstSeq++
		l.bytes -= e.held // as counted: its note may have changed since, and it is cold in memory
		if e.kind != entryEvent {
			l.messages--
		}
		l.evicted++
		if e.kind == entryOut {
			delete(l.outgoing, e.outID)
		}
		if len(l.matches) > 0 && l.matches[0] < l.firstSeq {
			l.matches = l.matches[1:]
		}
	}
	l.clampOffset()
	// Compact once the dead prefix is half of the slice.
	if l.start > 1024 && l.start*2 > len(l.items) {
		n := copy(l.items, l.items[l.start:])
		clear(l.items[n:])
		l.items = l.items[:n]
		l.start = 0
	}
}

// firstInView reports whether the oldest held entry is on screen.
func (l *messageList) firstInView() bool {
	if l.topVisible() > 0 {
		return false
	}
	if l.filter == nil {
		return true
	}
	return len(l.matches) > 0 && l.matches[0] == l.firstSeq
}

// topVisible is the index (among visible entries) of the first one in view.
func (l *messageList) topVisible() int { return l.window().begin }

// entryLines is the visible entry i's rendered lines and their widths.
func (l *messageList) entryLines(i int) ([]string, []int) {
	return l.visibleAt(i).linesIn(l.width, l.maxLines, l.chat, l.styles)
}

func (l *messageList) heightOf(i int) int {
	lines, _ := l.entryLines(i)
	return len(lines)
}

// maxOffset is the offset that shows the oldest entries: the fewest entries
// from the top that fill the view stay above the bottom. O(visible rows).
func (l *messageList) maxOffset() int {
	n, used, j := l.visibleLen(), 0, 0
	for j < n && used < l.height {
		used += l.heightOf(j)
		j++
	}
	if used < l.height {
		return 0
	}
	return n - j
}

func (l *messageList) clampOffset() {
	var limit int
	switch {
	case l.paused:
		limit = l.visibleLen() // paused, even a short list holds still
	case l.offset <= 0 || l.offset <= l.visibleLen()-l.height:
		// At the bottom, or no nearer the top than a screenful of one-line
		// rows: within limits whatever the rows' heights. Not measuring
		// the oldest rows here keeps a flood from rendering every message
		// as it reaches the top of the list.
		limit = max(l.offset, 0)
	default:
		limit = l.maxOffset()
	}
	l.offset = min(max(l.offset, 0), limit)
	if l.offset == 0 && !l.paused {
		l.newBelow = 0
	}
}

// scroll moves the view by n entries; positive is up (older).
func (l *messageList) scroll(n int) {
	l.offset += n
	l.clampOffset()
}

// page is how many entries a page moves: those on screen, less one.
func (l *messageList) page() int {
	w := l.window()
	return max(w.end-w.begin-1, 1)
}

func (l *messageList) scrollToTop()    { l.offset = l.maxOffset(); l.clampOffset() }
func (l *messageList) scrollToBottom() { l.offset = 0; l.clampOffset() }
func (l *messageList) atBottom() bool  { return l.offset == 0 }
func (l *messageList) invalidateAll()  { l.forEach(func(e *entry) { e.invalidate() }) }
func (l *messageList) forEach(f func(*entry)) {
	for _, e := range l.items[l.start:] {
		f(e)
	}
}

// setFilter narrows the list to what f matches (nil shows everything) and
// returns to the bottom.
func (l *messageList) setFilter(f *listFilter) {
	l.filter, l.matches, l.chat = f, nil, f.oneTopic()
	if f != nil {
		l.forEach(func(e *entry) {
			if f.match(e) {
				l.matches = append(l.matches, e.seq)
			}
		})
	}
	l.scrollToBottom()
}

// listWindow is what the view shows: the visible entries [begin, end),
// blank rows above them (pad), and lines cut off the first entry at the top
// (skip) or, scrolled to the very top, off the last at the bottom.
type listWindow struct {
	begin, end, pad, skip int
}

// window finds what is on screen, walking from the bottom entry up until
// the height is filled: O(visible rows) however many entries are held.
// Rows have different heights (wrapped text); the bottom entry is always
// whole, except at the very top, where the oldest entry is whole instead.
func (l *messageList) window() listWindow {
	w := listWindow{end: l.visibleLen() - l.offset}
	used := 0
	w.begin = w.end
	for w.begin > 0 && used < l.height {
		w.begin--
		used += l.heightOf(w.begin)
	}
	switch {
	case used < l.height:
		w.pad = l.height - used
	case used > l.height && w.begin == 0 && l.offset > 0:
		// Scrolled to the top: the oldest entry whole, the bottom one cut.
		w.skip = 0
	default:
		w.skip = used - l.height
	}
	return w
}

// View renders the visible rows, padded to the list's height; the selected
// row is highlighted when showSel.
func (l *messageList) View(s *Styles, showSel bool) string {
	return strings.Join(l.rows(s, showSel, false), "\n")
}

// rows are the visible lines, exactly the list's height; with padRight each
// is padded with spaces to the list's width (for a pane beside it). Widths
// come from the row cache: nothing is measured again.
func (l *messageList) rows(s *Styles, showSel, padRight bool) []string {
	if l.height == 0 {
		return nil
	}
	w := l.window()
	rows := make([]string, 0, l.height)
	blank := ""
	if padRight {
		blank = strings.Repeat(" ", l.width)
	}
	for range w.pad {
		rows = append(rows, blank)
	}
	for i := w.begin; i < w.end && len(rows) < l.height; i++ {
		e := l.visibleAt(i)
		lines, cells := e.linesIn(l.width, l.maxLines, l.chat, s)
		k := 0
		if i == w.begin {
			k = w.skip
		}
		for ; k < len(lines) && len(rows) < l.height; k++ {
			row := lines[k]
			switch {
			case showSel && l.hasSel && e.seq == l.sel:
				row = s.Selected.Render(ansi.Strip(row) + strings.Repeat(" ", max(l.width-cells[k], 0)))
			case padRight && cells[k] < l.width:
				row += strings.Repeat(" ", l.width-cells[k])
			}
			rows = append(rows, row)
		}
	}
	for len(rows) < l.height {
		rows = append(rows, blank)
	}
	return rows
}

// indexOf is the visible index of the entry with seq.
func (l *messageList) indexOf(seq uint64) (int, bool) {
	if seq < l.firstSeq || seq >= l.nextSeq {
		return 0, false
	}
	if l.filter == nil {
		return int(seq - l.firstSeq), true
	}
	i, found := slices.BinarySearch(l.matches, seq)
	return i, found
}

// selected is the selected entry, if it is still held and visible.
func (l *messageList) selected() (*entry, bool) {
	if !l.hasSel {
		return nil, false
	}
	i, ok := l.indexOf(l.sel)
	if !ok {
		return nil, false
	}
	return l.visibleAt(i), true
}

// selectIndex selects the i-th visible entry and scrolls it into view.
func (l *messageList) selectIndex(i int) {
	n := l.visibleLen()
	if n == 0 {
		l.hasSel = false
		return
	}
	i = min(max(i, 0), n-1)
	l.sel, l.hasSel = l.visibleAt(i).seq, true
	w := l.window()
	switch {
	case i >= w.end:
		l.offset = n - 1 - i // at the bottom
	case i < w.begin || (i == w.begin && w.skip > 0):
		// At the top: the entries from i that fit above the bottom.
		used, j := 0, i
		for j < n && used+l.heightOf(j) <= l.height {
			used += l.heightOf(j)
			j++
		}
		l.offset = n - max(j, i+1)
	}
	l.clampOffset()
}

// nearestMessage is the first visible index from i in direction dir that
// is a message (timeline rows have nothing to open or reply to), or i when
// there is none.
func (l *messageList) nearestMessage(i, dir int) int {
	for j := i; j >= 0 && j < l.visibleLen(); j += dir {
		if l.visibleAt(j).kind != entryEvent {
			return j
		}
	}
	return i
}

// moveSelection moves the selection d messages (negative is up, older),
// stepping over timeline rows, which have nothing to open or copy. Without
// a selection in view, it starts from the newest message on screen. Past the
// last message in that direction the view scrolls on, so the timeline rows
// beyond it can still be read.
func (l *messageList) moveSelection(d int) {
	w := l.window()
	begin, end := w.begin, w.end
	i, ok := 0, false
	if l.hasSel {
		i, ok = l.indexOf(l.sel)
	}
	if !ok || i < begin || i >= end {
		j := end - 1
		for j > begin && l.visibleAt(j).kind == entryEvent {
			j--
		}
		l.selectIndex(j)
		return
	}
	if d == 0 {
		return
	}
	step := 1
	if d < 0 {
		step, d = -1, -d
	}
	target := i
	for j := i + step; d > 0 && j >= 0 && j < l.visibleLen(); j += step {
		if l.visibleAt(j).kind != entryEvent {
			target, d = j, d-1
		}
	}
	if target == i {
		l.scroll(-step)
		return
	}
	l.selectIndex(target)
}

// entryAtRow is the visible entry on a screen row of the list (0 is the
// top) and which of its lines the row shows; false for a blank row.
func (l *messageList) entryAtRow(row int) (i, line int, ok bool) {
	w := l.window()
	r := w.pad
	if row < r {
		return 0, 0, false
	}
	for i = w.begin; i < w.end; i++ {
		h := l.heightOf(i)
		first := 0
		if i == w.begin {
			first = w.skip
		}
		if row < r+h-first {
			return i, first + row - r, true
		}
		r += h - first
	}
	return 0, 0, false
}
