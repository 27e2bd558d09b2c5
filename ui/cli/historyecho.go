package cli

import (
	"strconv"
	"time"

	"mqttchat/history"
	"mqttchat/ui/echo"
)

// echoFolder folds, for `mqttchat history`, the echo of a sent message (the
// broker routed it back through the same process's own subscription) into
// the sent message's line, as the screen does: the received copy is not
// printed, the sent line says "echoed". It uses the screen's matcher
// (ui/echo: topic, payload, QoS no higher than sent, first in first out,
// within echo.Window), only between records of one process (one pid), so
// another client's message with the same text still prints. The history
// does not know how many subscriptions matched, so one echo per sent
// message is folded; a second copy from overlapping subscriptions prints.
//
// A sent line waits until its echo comes or its window ends (by the
// records' times), and the lines after it wait with it, so the output
// keeps its order; what waits is at most a window's worth of records.
type echoFolder struct {
	held     []*heldRecord
	matchers map[string]*echo.Matcher[*heldRecord] // per process
	emit     func(r history.Record, echoes int) bool
}

type heldRecord struct {
	r       history.Record
	echoes  int
	waiting bool // a sent message whose echo may still come
	proc    string
}

func newEchoFolder(emit func(history.Record, int) bool) *echoFolder {
	return &echoFolder{matchers: map[string]*echo.Matcher[*heldRecord]{}, emit: emit}
}

// process names the process that wrote a record: its pid, else its segment.
func process(r *history.Record) string {
	if pid := r.PID(); pid > 0 {
		return strconv.Itoa(pid)
	}
	return r.Segment
}

func echoMessage(r *history.Record) echo.Message {
	return echo.Message{Topic: r.Topic, Hash: echo.Hash(r.Payload), Size: len(r.Payload), QoS: r.QoS}
}

func (f *echoFolder) matcher(proc string) *echo.Matcher[*heldRecord] {
	m, ok := f.matchers[proc]
	if !ok {
		m = echo.New[*heldRecord]()
		f.matchers[proc] = m
	}
	return m
}

// add takes the next record, in time order; false when emit said stop.
func (f *echoFolder) add(r history.Record) bool {
	h := &heldRecord{r: r, proc: process(&r)}
	switch {
	case r.Dir == history.DirOut && r.HasPayload:
		h.waiting = true
		f.matcher(h.proc).Sent(h, echoMessage(&r), r.Time)
	case r.Dir == history.DirIn && !r.Partial:
		if m, ok := f.matchers[h.proc]; ok {
			if sent, ok := m.Received(echoMessage(&r), r.Time, 1); ok {
				sent.echoes++
				sent.waiting = false
				m.Forget(sent)
				return f.flush(r.Time)
			}
		}
	}
	f.held = append(f.held, h)
	return f.flush(r.Time)
}

// flush emits what no longer waits: up to the first sent line whose echo
// may still come at now.
func (f *echoFolder) flush(now time.Time) bool {
	n := 0
	defer func() { f.held = f.held[n:] }()
	for ; n < len(f.held); n++ {
		h := f.held[n]
		if h.waiting {
			if !now.IsZero() && now.Sub(h.r.Time) <= echo.Window {
				return true
			}
			f.forget(h)
		}
		if !f.emit(h.r, h.echoes) {
			n++
			return false
		}
	}
	return true
}

func (f *echoFolder) forget(h *heldRecord) {
	h.waiting = false
	if m, ok := f.matchers[h.proc]; ok {
		m.Forget(h)
		if m.Len() == 0 {
			delete(f.matchers, h.proc)
		}
	}
}

// end emits everything still held.
func (f *echoFolder) end() bool { return f.flush(time.Time{}) }
