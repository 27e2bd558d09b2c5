package history

import (
	"bufio"
	"bytes"
	"container/heap"
	"errors"
	"io"
	"os"
	"sort"
	"time"
)

// Stats counts what reading passed over.
type Stats struct {
	Corrupt int // lines that were not records: skipped, never fatal
}

// Tail returns the last n messages (received and sent, with the latest
// state of each sent one) recorded in dir, oldest first. It reads segments
// backwards from their ends, newest first by their last record, and stops
// as soon as older segments cannot hold newer messages, so its cost does not
// grow with the size of the history.
func Tail(dir string, n int) ([]Record, Stats, error) {
	var st Stats
	segs, err := listSegments(dir)
	if err != nil || n <= 0 {
		return nil, st, err
	}
	ends := make([]time.Time, len(segs))
	for i, sg := range segs {
		ends[i] = lastRecordTime(sg)
	}
	order := make([]int, len(segs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return ends[order[a]].After(ends[order[b]]) })
	var out []Record
	for _, i := range order {
		if len(out) >= n {
			sortByTime(out)
			if ends[i].Before(out[len(out)-n].Time) {
				break // this segment, and every one after it, ended before what we keep
			}
		}
		recs, err := tailSegment(segs[i].path, n, &st)
		if err != nil {
			return nil, st, err
		}
		out = append(out, recs...)
	}
	sortByTime(out)
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out, st, nil
}

// lastRecordTime is the time of a segment's last readable record, or its
// modification time when it has none.
func lastRecordTime(sg segment) time.Time {
	f, err := os.Open(sg.path)
	if err != nil {
		return sg.mod
	}
	defer f.Close()
	t := sg.mod
	var scratch Stats
	_ = reverseLines(f, sg.size, func(line []byte) bool {
		r, err := parseRecord(line)
		if err != nil {
			scratch.Corrupt++
			return scratch.Corrupt < 8 // a few damaged lines at the end: look further
		}
		t = r.Time
		return false
	})
	return t
}

// tailSegment reads up to n messages from the end of one segment.
func tailSegment(path string, n int, st *Stats) ([]Record, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var recs []Record
	latest := map[uint64]Record{} // outgoing id → its newest state update, met first going backwards
	err = reverseLines(f, info.Size(), func(line []byte) bool {
		r, err := parseRecord(line)
		if err != nil {
			st.Corrupt++
			return true
		}
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

// reverseLines calls fn with each complete line of f, last first, until fn
// returns false. An unfinished last line (no newline yet) is skipped.
func reverseLines(f io.ReaderAt, size int64, fn func([]byte) bool) error {
	const chunk = 64 << 10
	end, err := lastNewline(f, size)
	if err != nil {
		return err
	}
	var carry []byte // the start of a line whose end was already read
	for end > 0 {
		start := max(end-chunk, 0)
		buf := make([]byte, end-start, end-start+int64(len(carry)))
		if _, err := f.ReadAt(buf, start); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		buf = append(buf, carry...)
		// buf ends with '\n' (or is the start of the file's first line when carry is set).
		for {
			trimmed := bytes.TrimSuffix(buf, []byte{'\n'})
			i := bytes.LastIndexByte(trimmed, '\n')
			if i < 0 {
				carry = trimmed
				break
			}
			if line := trimmed[i+1:]; len(line) > 0 && !fn(line) {
				return nil
			}
			buf = trimmed[:i+1]
		}
		if start == 0 {
			if len(carry) > 0 {
				fn(carry)
			}
			return nil
		}
		carry = append([]byte(nil), carry...)
		end = start
	}
	return nil
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
		r, perr := parseRecord(line)
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
