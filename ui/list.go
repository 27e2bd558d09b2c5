package ui

import (
	"strings"
)

// Default caps of the in-memory message window.
const (
	DefaultMaxMessages = 50000
	DefaultMaxBytes    = 64 << 20
)

// messageList is the scrolling list of messages and timeline rows: a window
// capped by count and bytes, newest at the bottom. It renders only the rows
// that are visible, from per-entry caches, so its cost does not grow with
// the number of entries held.
type messageList struct {
	items    []*entry // items[start:] are held, oldest first
	start    int
	bytes    int
	maxCount int
	maxBytes int

	outgoing map[uint64]*entry // outgoing entries by outbox id, for state updates

	width, height int
	offset        int // entries hidden below the view; 0 follows new messages
	newBelow      int // entries that arrived while scrolled up
	evicted       uint64
}

func newMessageList(maxCount, maxBytes int) messageList {
	if maxCount <= 0 {
		maxCount = DefaultMaxMessages
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return messageList{maxCount: maxCount, maxBytes: maxBytes, outgoing: map[uint64]*entry{}}
}

// Len is the number of entries held.
func (l *messageList) Len() int { return len(l.items) - l.start }

func (l *messageList) at(i int) *entry { return l.items[l.start+i] }

func (l *messageList) setSize(w, h int) {
	l.width, l.height = max(w, 1), max(h, 0)
	l.clampOffset()
}

// push adds an entry at the bottom and evicts the oldest over the caps.
func (l *messageList) push(e *entry) {
	l.items = append(l.items, e)
	l.bytes += e.cost()
	if e.kind == entryOut {
		l.outgoing[e.outID] = e
	}
	if l.offset > 0 {
		l.offset++
		l.newBelow++
	}
	l.evict()
}

// evict drops the oldest entries while over a cap. While the user reads
// scrolled up, the rows in view are kept, up to a hard limit of a tenth more.
func (l *messageList) evict() {
	hardCount, hardBytes := l.maxCount+l.maxCount/10, l.maxBytes+l.maxBytes/10
	for l.Len() > 0 && (l.Len() > l.maxCount || l.bytes > l.maxBytes) {
		if l.offset > 0 && l.topVisible() <= 0 && l.Len() <= hardCount && l.bytes <= hardBytes {
			break
		}
		e := l.at(0)
		l.items[l.start] = nil
		l.start++
		l.bytes -= e.cost()
		l.evicted++
		if e.kind == entryOut {
			delete(l.outgoing, e.outID)
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

// topVisible is the index of the first entry in view.
func (l *messageList) topVisible() int { return l.Len() - l.offset - l.height }

func (l *messageList) maxOffset() int { return max(l.Len()-l.height, 0) }

func (l *messageList) clampOffset() {
	l.offset = min(max(l.offset, 0), l.maxOffset())
	if l.offset == 0 {
		l.newBelow = 0
	}
}

// scroll moves the view by n entries; positive is up (older).
func (l *messageList) scroll(n int) {
	l.offset += n
	l.clampOffset()
}

func (l *messageList) page() int       { return max(l.height-1, 1) }
func (l *messageList) scrollToTop()    { l.offset = l.maxOffset(); l.clampOffset() }
func (l *messageList) scrollToBottom() { l.offset = 0; l.clampOffset() }
func (l *messageList) atBottom() bool  { return l.offset == 0 }
func (l *messageList) invalidateAll()  { l.forEach(func(e *entry) { e.invalidate() }) }
func (l *messageList) forEach(f func(*entry)) {
	for _, e := range l.items[l.start:] {
		f(e)
	}
}

// View renders the visible rows, padded to the list's height.
func (l *messageList) View(s *Styles) string {
	if l.height == 0 {
		return ""
	}
	end := l.Len() - l.offset
	begin := max(end-l.height, 0)
	rows := make([]string, 0, l.height)
	for i := len(rows); i < l.height-(end-begin); i++ {
		rows = append(rows, "")
	}
	for i := begin; i < end; i++ {
		rows = append(rows, l.at(i).row(l.width, s))
	}
	return strings.Join(rows, "\n")
}
