package history

import (
	"bufio"
	"bytes"
	"container/heap"
	"errors"

	"os"
	"path/filepath"
	"sort"
	"time"
)

// Stats counts what reading passed over.
type Stats struct {
	Corrupt         int   // lines that were not records: skipped, never fatal
	Duplicates      int   // copies of a delivery recorded by several processes, shown once
	Segments        int   // segments considered (Search)
	SegmentsSkipped int   // of which none could match, by their time range (Search)
	BytesRead       int64 // segment bytes read (Search)
	Decoded         int   // lines decoded (Search): those that passed the check on their bytes
}

func (s *Stats) add(o Stats) {
	s.Corrupt += o.Corrupt
	s.Duplicates += o.Duplicates
	s.Segments += o.Segments
	s.SegmentsSkipped += o.SegmentsSkipped
	s.BytesRead += o.BytesRead
	s.Decoded += o.Decoded
}

// Tail returns the last n messages (received and sent, with the latest
// state of each sent one) recorded in dir, oldest first. It reads segments
// backwards from their ends, newest first by their greatest record time
// (from the index; for a segment without one, its last record's), and stops
// as soon as older segments cannot hold newer messages, so its cost does not
// grow with the size of the history. A long record is not read whole: its
// payload is Partial (Find reads it). A sent message whose final state was
// never recorded by a process that is gone gets StateUnknown. A message
// that several processes recorded is returned once (see Search).
func Tail(dir string, n int) ([]Record, Stats, error) { return tail(dir, n, false) }

// TailWhole is Tail with every payload read whole (none is Partial), for a
// reader that cannot yet read a long payload when it is needed (Find). Its
// cost grows with the size of the records it returns, linearly.
func TailWhole(dir string, n int) ([]Record, Stats, error) { return tail(dir, n, true) }

func tail(dir string, n int, whole bool) ([]Record, Stats, error) {
	var st Stats
	segs, err := listSegments(dir)
	if err != nil || n <= 0 {
		return nil, st, err
	}
	type tseg struct {
		f    *os.File
		sg   segment
		ix   segIndex
		last time.Time
	}
	var ts []tseg
	defer func() {
		for _, t := range ts {
			t.f.Close()
		}
	}()
	for _, sg := range segs {
		f, err := os.Open(sg.path)
		if err != nil {
			continue // removed meanwhile
		}
		t := tseg{f: f, sg: sg, ix: readIndex(f, sg.path, sg.size)}
		if t.ix.upto > 0 {
			tail, longs, _ := tailChunks(f, t.ix.upto, sg.size)
			for end, off := range longs {
				t.ix.longs[end] = off
			}
			rg := rangeOf(append(t.ix.chunks[:len(t.ix.chunks):len(t.ix.chunks)], tail...))
			t.last = rg.max
		} else {
			t.last = lastRecordTime(f, sg)
		}
		ts = append(ts, t)
	}
	sort.SliceStable(ts, func(a, b int) bool { return ts[a].last.After(ts[b].last) })
	var out []Record
	for _, t := range ts {
		if len(out) >= n {
			sortByTime(out)
			if t.last.Before(out[len(out)-n].Time) {
				break // this segment, and every one after it, ended before what we keep
			}
		}
		recs, err := tailSegment(t.f, t.sg, t.ix, n, whole, &st)
		if err != nil {
			return nil, st, err
		}
		out = append(out, recs...)
	}
	sortByTime(out)
	dd := newDeduper(false, &st) // each delivery once, across processes (see Search)
	kept := out[:0]
	for i := range out {
		if dd.keep(&out[i], origin(&out[i])) {
			kept = append(kept, out[i])
		}
	}
	out = kept
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out, st, nil
}

// lastRecordTime is the time of a segment's last readable record, or its
// modification time when it has none.
func lastRecordTime(f *os.File, sg segment) time.Time {
	t := sg.mod
	bad := 0
	_ = reverseLines(f, sg.size, nil, func(line []byte, off, n int64) bool {
		var r Record
		var err error
		if line == nil {
			r, err = readLong(f, off, n)
		} else {
			r, err = parseLine(line)
		}
		if err != nil {
			bad++
			return bad < 8 // a few damaged lines at the end: look further
		}
		t = r.Time
		return false
	})
	return t
}

// tailSegment reads up to n messages from the end of one segment.
func tailSegment(f *os.File, sg segment, ix segIndex, n int, whole bool, st *Stats) ([]Record, error) {
	var recs []Record
	name := filepath.Base(sg.path)
	var stale *bool               // whether the segment's writer is gone, asked once
	latest := map[uint64]Record{} // outgoing id → its newest state update, met first going backwards
	err := reverseLines(f, sg.size, ix.longs, func(line []byte, off, ln int64) bool {
		var r Record
		var err error
		switch {
		case line == nil && whole:
			buf := make([]byte, ln)
			if _, err = f.ReadAt(buf, off); err == nil {
				r, err = parseLine(buf)
			}
		case line == nil:
			r, err = readLong(f, off, ln)
		default:
			r, err = parseLine(line)
		}
		if err != nil {
			st.Corrupt++
			return true
		}
		r.Segment = name
		switch {
		case r.Dir == DirOut && !r.HasPayload:
			if _, seen := latest[r.ID]; !seen {
				latest[r.ID] = r
			}
			return true
		case r.Dir == DirOut:
			if u, ok := latest[r.ID]; ok {
				r.State, r.Text = u.State, u.Text
			}
			if !finalState(r.State) {
				if stale == nil {
					gone := removable(sg.path)
					stale = &gone
				}
				if *stale {
					r.State, r.Text = StateUnknown, ErrStateUnknown.Error()
				}
			}
		case r.Dir == DirEvent:
			return true
		}
		recs = append(recs, r)
		return len(recs) < n
	})
	// recs is newest first.
	for i, j := 0, len(recs)-1; i < j; i, j = i+1, j-1 {
		recs[i], recs[j] = recs[j], recs[i]
	}
	return recs, err
}

func sortByTime(recs []Record) {
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Time.Before(recs[j].Time) })
}

// Scan calls fn with every record in the folders, merged by time across
// segments (two processes write two segments at once), until fn returns
// false. Torn and corrupt lines are skipped and counted.
func Scan(dirs []string, fn func(Record) bool) (Stats, error) {
	var st Stats
	h := &cursorHeap{}
	defer func() {
		for _, c := range *h {
			c.f.Close()
		}
	}()
	for _, dir := range dirs {
		segs, err := listSegments(dir)
		if err != nil {
			return st, err
		}
		for _, s := range segs {
			f, err := os.Open(s.path)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return st, err
			}
			c := &cursor{f: f, r: bufio.NewReaderSize(f, 256<<10)}
			if c.next(&st) {
				heap.Push(h, c)
			} else {
				f.Close()
			}
		}
	}
	for h.Len() > 0 {
		c := (*h)[0]
		if !fn(c.rec) {
			return st, nil
		}
		if c.next(&st) {
			heap.Fix(h, 0)
		} else {
			c.f.Close()
			heap.Pop(h)
		}
	}
	return st, nil
}

// cursor reads one segment forward.
type cursor struct {
	f   *os.File
	r   *bufio.Reader
	rec Record
}

// next reads the next record; false at the end (an unfinished last line ends it).
func (c *cursor) next(st *Stats) bool {
	for {
		line, err := c.r.ReadBytes('\n')
		if err != nil {
			return false // io.EOF, possibly with an unfinished line: not a record yet
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		if len(line) == 0 {
			continue
		}
		r, perr := parseLine(line)
		if perr != nil {
			st.Corrupt++
			continue
		}
		c.rec = r
		return true
	}
}

type cursorHeap []*cursor

func (h cursorHeap) Len() int           { return len(h) }
func (h cursorHeap) Less(i, j int) bool { return h[i].rec.Time.Before(h[j].rec.Time) }
func (h cursorHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)        { *h = append(*h, x.(*cursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
