package screen

import "slices"

// recallList walks back through what was sent before, most recent first.
type recallList struct {
	items []string
	pos   int    // -1: the draft being typed
	draft string // what was typed before walking
}

// recall holds the two lists the composer walks with Up and Down.
type recall struct {
	topics, texts recallList
}

func newRecall(topics, texts []string) recall {
	return recall{topics: recallList{items: slices.Clone(topics), pos: -1}, texts: recallList{items: slices.Clone(texts), pos: -1}}
}

// add puts what was sent at the front, without duplicates, and ends walking.
func (r *recall) add(topic, text string) {
	r.topics.add(topic)
	r.texts.add(text)
}

func (l *recallList) add(s string) {
	l.pos = -1
	if s == "" {
		return
	}
	l.items = slices.DeleteFunc(l.items, func(x string) bool { return x == s })
	l.items = slices.Insert(l.items, 0, s)
	if len(l.items) > 200 {
		l.items = l.items[:200]
	}
}

// step moves dir (+1 older, -1 newer) from current and returns the value to
// show; ok is false at either end.
func (l *recallList) step(current string, dir int) (string, bool) {
	next := l.pos + dir
	if next < -1 || next >= len(l.items) {
		return "", false
	}
	if l.pos == -1 {
		l.draft = current
	}
	l.pos = next
	if next == -1 {
		return l.draft, true
	}
	return l.items[next], true
}
