package history

import (
	"hash/maphash"
	"strconv"
	"time"
)

// dupWindow is how far apart in time two processes' records of one delivery
// may be: each stamps a message when its own connection hands it over.
const dupWindow = 2 * time.Second

// dupSeed keys the copies' hash; records are only compared within a run.
var dupSeed = maphash.MakeSeed()

// deliveryKey identifies a received message for matching copies: its topic
// and payload (a 64-bit hash). A partial payload counts with its length.
func deliveryKey(r *Record) uint64 {
	var h maphash.Hash
	h.SetSeed(dupSeed)
	h.WriteString(r.Topic)
	h.WriteByte(0)
	h.Write(r.Payload)
	if r.Partial {
		h.WriteString(strconv.Itoa(r.PayloadLen))
	}
	return h.Sum64()
}

// origin is the process that wrote a record: its segment's pid, else the
// segment itself.
func origin(r *Record) string {
	if pid := segmentPID(r.Segment); pid > 0 {
		return strconv.Itoa(pid)
	}
	return r.Segment
}

// deduper passes a stream of records in time order and drops the copies of
// a delivery that other processes recorded (see Search).
type deduper struct {
	off    bool
	st     *Stats
	recent []*seen            // in time order
	byKey  map[uint64][]*seen // in time order
}

// seen is a received record that copies from other processes may match.
type seen struct {
	key     uint64
	t       time.Time
	origin  string
	matched []string // the origins whose copy was matched to it
}

func newDeduper(off bool, st *Stats) *deduper {
	return &deduper{off: off, st: st, byKey: map[uint64][]*seen{}}
}

// keep reports whether r, written by the process from, is shown: false
// for a copy.
func (d *deduper) keep(r *Record, from string) bool {
	if d.off || r.Dir != DirIn {
		return true
	}
	d.expire(r.Time.Add(-dupWindow))
	key := r.key
	if key == 0 {
		key = deliveryKey(r)
	}
	for _, s := range d.byKey[key] {
		if s.origin == from || contains(s.matched, from) || r.Time.Sub(s.t) > dupWindow || s.t.Sub(r.Time) > dupWindow {
			continue
		}
		s.matched = append(s.matched, from)
		d.st.Duplicates++
		return false
	}
	s := &seen{key: key, t: r.Time, origin: from}
	d.recent = append(d.recent, s)
	d.byKey[key] = append(d.byKey[key], s)
	return true
}

// expire forgets records before t.
func (d *deduper) expire(t time.Time) {
	n := 0
	for n < len(d.recent) && d.recent[n].t.Before(t) {
		s := d.recent[n]
		list := d.byKey[s.key]
		for i, x := range list {
			if x == s {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(d.byKey, s.key)
		} else {
			d.byKey[s.key] = list
		}
		d.recent[n] = nil
		n++
	}
	d.recent = d.recent[n:]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
