package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Sizes of the lazy reading of long lines.
const (
	revChunk  = 64 << 10 // reading backwards, this much at a time
	headBytes = 16 << 10 // of a long line, this much is read: its fields and the start of its payload
	tailBytes = 4 << 10  // and this much of its end: the fields after the payload
)

// reverseLines calls fn with each complete line of f before size, last
// first, until fn returns false. An unfinished last line (no newline yet) is
// skipped. A line longer than longLine is not read: fn gets a nil line with
// its offset and length, to read what it needs of it (readLong). longs, from
// the index, maps a long line's end to its start, so that it is stepped over
// without reading it at all. Every byte is read at most twice: the cost is
// linear in what is read, whatever the lines' lengths.
func reverseLines(f io.ReaderAt, size int64, longs map[int64]int64, fn func(line []byte, off, n int64) bool) error {
	end, err := lastNewline(f, size)
	if err != nil {
		return err
	}
	buf := make([]byte, revChunk)
	var bufStart, bufEnd int64 // buf[:bufEnd-bufStart] holds the file's [bufStart, bufEnd)
	var lineBuf []byte
	for end > 0 {
		if start, ok := longs[end]; ok {
			if !fn(nil, start, end-1-start) {
				return nil
			}
			end = start
			continue
		}
		lineEnd := end - 1 // its newline
		start, pos := int64(-1), lineEnd
		for start < 0 {
			if pos > bufStart && pos <= bufEnd {
				if i := bytes.LastIndexByte(buf[:pos-bufStart], '\n'); i >= 0 {
					start = bufStart + int64(i) + 1
					break
				}
				pos = bufStart
			}
			if pos == 0 {
				start = 0
				break
			}
			bufStart, bufEnd = max(pos-revChunk, 0), pos
			if _, err := f.ReadAt(buf[:bufEnd-bufStart], bufStart); err != nil && !errors.Is(err, io.EOF) {
				return err
			}
		}
		n := lineEnd - start
		var line []byte
		switch {
		case n == 0 || n > longLine:
		case start >= bufStart && lineEnd <= bufEnd:
			line = buf[start-bufStart : lineEnd-bufStart]
		default:
			lineBuf = append(lineBuf[:0], make([]byte, n)...)
			if _, err := f.ReadAt(lineBuf, start); err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			line = lineBuf
		}
		if n > 0 && !fn(line, start, n) {
			return nil
		}
		end = start
	}
	return nil
}

// readLong reads a long line's record lazily: its fields, and only the
// start of its payload (Partial is set; Find reads it whole).
func readLong(f io.ReaderAt, off, n int64) (Record, error) {
	for hb := int64(headBytes); ; hb *= 8 {
		head := make([]byte, min(n, hb))
		if _, err := f.ReadAt(head, off); err != nil && !errors.Is(err, io.EOF) {
			return Record{}, err
		}
		r, ok := decodeHead(head)
		if !ok {
			if hb < n && hb < 1<<20 {
				continue // a long topic: read more of the head
			}
		}
		if !ok || !r.Partial { // not a long payload after all: read the line whole
			line := make([]byte, n)
			if _, err := f.ReadAt(line, off); err != nil && !errors.Is(err, io.EOF) {
				return Record{}, err
			}
			return parseLine(line)
		}
		if r.Dir == DirOut {
			if err := readTrailer(f, off, n, &r); err != nil {
				return Record{}, err
			}
		}
		return r, nil
	}
}

// readTrailer reads the fields after a long line's payload (a sent
// message's id and state). `,"id":` cannot occur inside a JSON string (a
// quote there is escaped), so its last occurrence is the field.
func readTrailer(f io.ReaderAt, off, n int64, r *Record) error {
	for tb := int64(tailBytes); ; tb *= 16 {
		tb = min(tb, n)
		tail := make([]byte, tb)
		if _, err := f.ReadAt(tail, off+n-tb); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		i := bytes.LastIndex(tail, []byte(`,"id":`))
		if i < 0 {
			if tb < n && tb < 1<<20 {
				continue
			}
			return nil // no id: a state said nowhere
		}
		var w wireRecord
		if err := json.Unmarshal(append([]byte{'{'}, tail[i+1:]...), &w); err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		r.ID, r.State, r.Event, r.Text = w.ID, w.State, w.Event, w.Text
		return nil
	}
}

// forwardLines calls fn with each complete line of f in [from, to), first
// first, with its offset, until fn returns false. Long lines are read whole.
func forwardLines(f io.ReaderAt, from, to int64, fn func(line []byte, off int64) bool) error {
	if from >= to {
		return nil
	}
	r := bufio.NewReaderSize(io.NewSectionReader(f, from, to-from), 256<<10)
	off := from
	var long []byte
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = r.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil // an unfinished line is not a record yet
			}
			return err
		}
		n := int64(len(line))
		if len(line) > 1 && !fn(line[:len(line)-1], off) {
			return nil
		}
		off += n
		if cap(long) > 4<<20 {
			long = nil // do not keep the largest line's buffer
		}
	}
}
