package mqttconn

import "sync"

// Queue is the bounded hand-off between the connection's goroutines and the
// display. Push never blocks: when the queue holds its limit of messages, a
// further message is dropped and counted. Connection and publish events are
// never dropped (they are few), so their order relative to messages is kept.
type Queue struct {
	mu      sync.Mutex
	items   []Event
	limit   int
	dropped uint64
	ready   chan struct{}
}

// NewQueue returns a queue that holds at most limit messages between drains.
func NewQueue(limit int) *Queue {
	if limit < 1 {
		limit = 1
	}
	return &Queue{limit: limit, ready: make(chan struct{}, 1)}
}

// Push adds ev without blocking. It reports false when ev was a message and
// the queue was full, in which case ev was dropped and counted.
func (q *Queue) Push(ev Event) bool {
	q.mu.Lock()
	if ev.Kind == KindMessage && len(q.items) >= q.limit {
		q.dropped++
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, ev)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
	return true
}

// Ready is signalled after a Push; a receiver then calls Drain.
func (q *Queue) Ready() <-chan struct{} { return q.ready }

// Drain takes every queued event, in order, and the number of messages
// dropped since the queue was made.
func (q *Queue) Drain() ([]Event, uint64) { return q.DrainInto(nil) }

// DrainInto is Drain that gives the queue spare, a slice an earlier Drain
// returned and the caller is done with, to fill next: in a flood the queue
// then reuses two slices instead of allocating one per drain.
func (q *Queue) DrainInto(spare []Event) ([]Event, uint64) {
	clear(spare[:cap(spare)]) // no payload kept alive by a slot
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	if cap(spare) == 0 {
		spare = make([]Event, 0, min(cap(items), q.limit))
	}
	q.items = spare[:0]
	return items, q.dropped
}

// Len is the number of events waiting.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}
