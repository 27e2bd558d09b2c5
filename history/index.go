package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strconv"
	"time"
)

// The segment index: a sidecar file beside each segment (seg-….jsonl.idx),
// appended to by the segment's writer only, one JSON object a line:
//
//	{"from":0,"to":1048576,"n":5120,"min":"2026-11-26T09:00:00Z","max":"2026-11-26T09:14:00Z"}
//	{"off":1048576,"len":16777300}
//
// A chunk line covers the segment's bytes [from, to): n whole records whose
// times lie in [min, max] — the least and the greatest, not the first and
// the last, which a clock stepped back makes differ. Chunks follow each other
// from offset 0; the writer closes one after each MiB it writes, and when it
// rotates or closes the segment. A long line (a record over longLine bytes)
// gets an off/len line, so that readers can step over it without reading it.
// Index lines are written after the segment bytes they describe are in the
// file; a torn last index line is ignored.
//
// What the index does not cover — a segment of an older mqttchat (no index),
// the tail written since the last chunk by a live or killed writer — readers
// read from the segment itself. An index is only trusted as far as it agrees
// with its segment (chunks end at a newline, within its size).
const idxExt = ".idx"

// longLine: lines longer than this are indexed, and read lazily.
const longLine = 64 << 10

// chunkBytes: a chunk line after this much written (a variable for tests).
var chunkBytes int64 = 1 << 20

// chunk is a run of whole records with their time range.
type chunk struct {
	From, To int64
	N        int
	Min, Max time.Time
	Bad      int // lines that are not records (only counted in an unindexed tail)
}

// contains reports whether the chunk may hold a record in [since, until]
// (zero bounds are open).
func (c chunk) overlaps(since, until time.Time) bool {
	if c.N == 0 {
		return c.Bad > 0 && since.IsZero() && until.IsZero() // read to count them
	}
	return (since.IsZero() || !c.Max.Before(since)) && (until.IsZero() || !c.Min.After(until))
}

// segIndex is what a segment's index says, checked against the segment.
type segIndex struct {
	chunks []chunk
	longs  map[int64]int64 // a long line's end (after its newline) → its start
	upto   int64           // the index covers [0, upto)
}

// indexPath is the index of the segment at path.
func indexPath(segPath string) string { return segPath + idxExt }

type idxLine struct {
	From *int64 `json:"from"`
	To   int64  `json:"to"`
	N    int    `json:"n"`
	Min  string `json:"min"`
	Max  string `json:"max"`
	Off  *int64 `json:"off"`
	Len  int64  `json:"len"`
}

// readIndex reads a segment's index; a missing or useless one covers nothing.
func readIndex(f io.ReaderAt, segPath string, size int64) segIndex {
	ix := segIndex{longs: map[int64]int64{}}
	data, err := os.ReadFile(indexPath(segPath))
	if err != nil {
		return ix
	}
	nl := []byte{'\n'}
	for len(data) > 0 {
		line, rest, ok := bytes.Cut(data, nl)
		if !ok {
			break // torn last line
		}
		data = rest
		var l idxLine
		if json.Unmarshal(line, &l) != nil {
			break
		}
		switch {
		case l.From != nil:
			c := chunk{From: *l.From, To: l.To, N: l.N}
			if c.From != ix.upto || c.To < c.From || c.To > size {
				return ix
			}
			if c.N > 0 {
				if c.Min, err = time.Parse(time.RFC3339Nano, l.Min); err != nil {
					return ix
				}
				if c.Max, err = time.Parse(time.RFC3339Nano, l.Max); err != nil {
					return ix
				}
			}
			ix.chunks = append(ix.chunks, c)
			ix.upto = c.To
		case l.Off != nil:
			if end := *l.Off + l.Len; *l.Off >= 0 && l.Len > 0 && end <= size && endsLine(f, end) {
				ix.longs[end] = *l.Off
			}
		}
	}
	// The last chunk must end a line: else the index is not this segment's
	// (or the segment was cut), and none of it is trusted.
	if ix.upto > 0 && !endsLine(f, ix.upto) {
		return segIndex{longs: map[int64]int64{}}
	}
	return ix
}

// endsLine reports whether the byte before off is a newline (or off is 0).
func endsLine(f io.ReaderAt, off int64) bool {
	if off == 0 {
		return true
	}
	var b [1]byte
	_, err := f.ReadAt(b[:], off-1)
	return err == nil && b[0] == '\n'
}

// indexWriter is the writer's side of a segment's index.
type indexWriter struct {
	f       *os.File
	pending []byte // lines waiting for their segment bytes to reach the file
	cur     chunk  // the open chunk
}

func openIndexWriter(segPath string) (*indexWriter, error) {
	f, err := os.OpenFile(indexPath(segPath), os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	return &indexWriter{f: f}, nil
}

// add notes a record of n bytes written at off.
func (x *indexWriter) add(t time.Time, off, n int64) {
	// By the wall clock, as written: a monotonic reading would order times
	// across a clock step the other way round.
	t = t.Round(0)
	if x.cur.N == 0 || t.Before(x.cur.Min) {
		x.cur.Min = t
	}
	if x.cur.N == 0 || t.After(x.cur.Max) {
		x.cur.Max = t
	}
	x.cur.N++
	x.cur.To = off + n
	if n > longLine {
		x.pending = appendLong(x.pending, off, n)
	}
	if x.cur.To-x.cur.From >= chunkBytes {
		x.closeChunk()
	}
}

// closeChunk ends the open chunk: its line waits for the next flush.
func (x *indexWriter) closeChunk() {
	if c := x.cur; c.N > 0 {
		x.pending = appendChunk(x.pending, c)
		x.cur = chunk{From: c.To, To: c.To}
	}
}

// flushed is called once the segment's bytes described so far are in the
// file: it writes the pending lines (closing the open chunk when final).
func (x *indexWriter) flushed(final bool) error {
	if final {
		x.closeChunk()
	}
	if len(x.pending) == 0 {
		return nil
	}
	_, err := x.f.Write(x.pending)
	x.pending = x.pending[:0]
	return err
}

func (x *indexWriter) close() error {
	err := x.flushed(true)
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// appendLong appends the index line of a long line of n bytes (its newline
// included) at off.
func appendLong(b []byte, off, n int64) []byte {
	b = append(b, `{"off":`...)
	b = strconv.AppendInt(b, off, 10)
	b = append(b, `,"len":`...)
	b = strconv.AppendInt(b, n, 10)
	return append(b, "}\n"...)
}

// appendChunk appends a chunk's index line.
func appendChunk(b []byte, c chunk) []byte {
	b = append(b, `{"from":`...)
	b = strconv.AppendInt(b, c.From, 10)
	b = append(b, `,"to":`...)
	b = strconv.AppendInt(b, c.To, 10)
	b = append(b, `,"n":`...)
	b = strconv.AppendInt(b, int64(c.N), 10)
	if c.N > 0 {
		b = append(b, `,"min":"`...)
		b = c.Min.UTC().AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","max":"`...)
		b = c.Max.UTC().AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	return append(b, "}\n"...)
}

// segRange is the least and greatest record time of a segment, with known
// false when part of it has to be read to tell (no index, or an unindexed
// tail that reading found unreadable).
type segRange struct {
	min, max time.Time
	n        int
}

func (r *segRange) add(t time.Time) {
	if r.n == 0 || t.Before(r.min) {
		r.min = t
	}
	if r.n == 0 || t.After(r.max) {
		r.max = t
	}
	r.n++
}

// tailChunks reads the segment's bytes [from, size) that its index does not
// cover and returns them as chunks of about chunkBytes with their time
// ranges (the last ends after the last whole line), and the long lines in
// them (end → start). Only each line's time is decoded.
func tailChunks(f io.ReaderAt, from, size int64) ([]chunk, map[int64]int64, error) {
	var chunks []chunk
	longs := map[int64]int64{}
	if from >= size {
		return nil, longs, nil
	}
	r := bufio.NewReaderSize(io.NewSectionReader(f, from, size-from), 256<<10)
	off := from
	c := chunk{From: from, To: from}
	var rg segRange
	closeChunk := func() {
		if c.To > c.From {
			c.N, c.Min, c.Max = rg.n, rg.min, rg.max
			chunks = append(chunks, c)
		}
		c, rg = chunk{From: c.To, To: c.To}, segRange{}
	}
	for {
		line, err := r.ReadSlice('\n')
		n := int64(len(line))
		t, timed := lineTime(line) // before the buffer is read again
		var whole []byte
		if err == nil && !timed {
			whole = bytes.Clone(line)
		}
		for errors.Is(err, bufio.ErrBufferFull) { // a long line: only its start matters
			var more []byte
			more, err = r.ReadSlice('\n')
			n += int64(len(more))
		}
		if err != nil {
			break // EOF: an unfinished line is not a record yet
		}
		if n-1 > longLine {
			longs[off+n] = off
		}
		off += n
		switch {
		case timed:
			rg.add(t)
		case len(bytes.TrimSpace(whole)) > 0:
			// Not our form: decode it whole (rare).
			if rec, err := parseRecord(bytes.TrimSuffix(whole, []byte{'\n'})); err == nil {
				rg.add(rec.Time)
			} else {
				c.Bad++
			}
		default:
			c.Bad++ // a long line not in our form
		}
		c.To = off
		if c.To-c.From >= chunkBytes {
			closeChunk()
		}
	}
	closeChunk()
	return chunks, longs, nil
}

// lineTime reads the time at the start of a line in the writer's form.
func lineTime(line []byte) (time.Time, bool) {
	const pre = `{"tst":"`
	if len(line) < len(pre)+20 || string(line[:len(pre)]) != pre {
		return time.Time{}, false
	}
	end := bytes.IndexByte(line[len(pre):min(len(line), len(pre)+40)], '"')
	if end < 0 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(line[len(pre):len(pre)+end]))
	return t, err == nil
}

// segmentChunks is the whole of a segment as chunks with time ranges: its
// index's, then its unindexed tail's, read now. A segment without any index
// that no process writes (one of an older version) gets one written, so that
// it is read whole only once.
func segmentChunks(f io.ReaderAt, path string, size int64) ([]chunk, error) {
	ix := readIndex(f, path, size)
	tail, longs, err := tailChunks(f, ix.upto, size)
	if err != nil {
		return nil, err
	}
	if ix.upto == 0 && len(tail) > 0 {
		if _, err := os.Stat(indexPath(path)); os.IsNotExist(err) && removable(path) {
			_ = writeIndex(path, tail, longs)
		}
	}
	return append(ix.chunks, tail...), nil
}

// writeIndex writes a whole index for a finished segment.
func writeIndex(segPath string, chunks []chunk, longs map[int64]int64) error {
	var b []byte
	for end, off := range longs {
		b = appendLong(b, off, end-1-off+1)
	}
	for _, c := range chunks {
		b = appendChunk(b, c)
	}
	return writeFileAtomic(indexPath(segPath), b)
}

// rangeOf is the time range of chunks.
func rangeOf(chunks []chunk) segRange {
	var r segRange
	for _, c := range chunks {
		if c.N == 0 {
			continue
		}
		r.add(c.Min)
		r.add(c.Max)
		r.n += c.N - 2
	}
	return r
}
