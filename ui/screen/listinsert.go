package screen

import "slices"

// holds reports whether e is a row the list still holds.
func (l *messageList) holds(e *entry) bool {
	if e == nil || e.seq < l.firstSeq || e.seq >= l.nextSeq {
		return false
	}
	return l.at(int(e.seq-l.firstSeq)) == e
}

// insertAfter puts e in the list right after anchor, which it holds (a
// reply under its request). The rows after it move down one place: their
// positions are renumbered, the selection stays on its row, and a view
// scrolled up holds still. O(rows held): replies are rare.
func (l *messageList) insertAfter(anchor, e *entry) {
	if !l.holds(anchor) {
		l.push(e)
		return
	}
	i := int(anchor.seq-l.firstSeq) + 1
	// Below the view before the insertion: the visible entries under it.
	hiddenBelow := false
	if l.offset > 0 {
		vi, _ := l.visibleIndexAfter(anchor.seq)
		hiddenBelow = vi >= l.visibleLen()-l.offset
	}
	l.items = slices.Insert(l.items, l.start+i, e)
	for j := i; j < l.Len(); j++ {
		l.at(j).seq = l.firstSeq + uint64(j)
	}
	l.nextSeq++
	if l.hasSel && l.sel >= e.seq {
		l.sel++
	}
	l.bytes += e.cost()
	if e.kind != entryEvent {
		l.messages++
	}
	if l.filter != nil {
		visible := l.filter.match(e)
		l.matches = l.matches[:0]
		l.forEach(func(x *entry) {
			if l.filter.match(x) {
				l.matches = append(l.matches, x.seq)
			}
		})
		if !visible {
			hiddenBelow = false
		}
	}
	if hiddenBelow || l.paused {
		l.offset++
		l.newBelow++
	}
	l.evict()
}

// visibleIndexAfter is the visible index the row after seq takes.
func (l *messageList) visibleIndexAfter(seq uint64) (int, bool) {
	if l.filter == nil {
		return int(seq-l.firstSeq) + 1, true
	}
	i, found := slices.BinarySearch(l.matches, seq+1)
	return i, found
}
