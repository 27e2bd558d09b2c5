package packets

import (
	"sync"

	"mqttchat/mqttconn"
)

// Feed is the bounded hand-off between the connection's reader and writer
// goroutines and the screen. Observe never blocks: when Limit packets wait,
// a further one is dropped (a decoded record, never bytes on the wire) and
// counted.
type Feed struct {
	mu      sync.Mutex
	items   []mqttconn.Packet
	limit   int
	dropped uint64
	ready   chan struct{}
}

// NewFeed returns a feed that holds at most limit packets between drains
// (at least 1).
func NewFeed(limit int) *Feed {
	return &Feed{limit: max(limit, 1), ready: make(chan struct{}, 1)}
}

// Observe takes one packet without blocking: mqttconn.Config.OnPacket.
func (f *Feed) Observe(p mqttconn.Packet) {
	f.mu.Lock()
	if len(f.items) >= f.limit {
		f.dropped++
		f.mu.Unlock()
		return
	}
	f.items = append(f.items, p)
	f.mu.Unlock()
	select {
	case f.ready <- struct{}{}:
	default:
	}
}

// Ready is signalled after an Observe; the receiver then calls Drain.
func (f *Feed) Ready() <-chan struct{} { return f.ready }

// Drain takes the waiting packets, in order, and the number dropped since
// the feed was made.
func (f *Feed) Drain() ([]mqttconn.Packet, uint64) { return f.DrainInto(nil) }

// DrainInto is Drain that gives the feed spare, a slice an earlier Drain
// returned and the caller is done with, to fill next (no allocation per
// drain in a flood).
func (f *Feed) DrainInto(spare []mqttconn.Packet) ([]mqttconn.Packet, uint64) {
	clear(spare[:cap(spare)])
	f.mu.Lock()
	defer f.mu.Unlock()
	items := f.items
	if cap(spare) == 0 {
		spare = make([]mqttconn.Packet, 0, min(cap(items), f.limit))
	}
	f.items = spare[:0]
	return items, f.dropped
}
