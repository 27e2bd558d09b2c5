package history

import (
	"bytes"
	"testing"
	"time"
)

// TestWriterDropsLargeBuffers: after a record larger than maxKeptBuf the
// writer keeps no encode buffer of that size (issue 18, item 7), while a
// small one is kept for the next record; every record reaches the file.
func TestWriterDropsLargeBuffers(t *testing.T) {
	text := bytes.Repeat([]byte("large text payload "), (4<<20)/19)
	binary := bytes.Repeat([]byte{0xff, 0x00, 0xfe}, (3<<20)/3)
	for _, tc := range []struct {
		name    string
		payload []byte
		maxCap  int
		minCap  int
	}{
		{"4 MiB of text", text, maxKeptBuf, 0},
		{"3 MiB of binary (base64)", binary, maxKeptBuf, 0},
		{"64 bytes", bytes.Repeat([]byte("x"), 64), maxKeptBuf, 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w, err := OpenWriter(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			w.Record(inEvent("big/t", tc.payload, 0))
			if err := w.Close(); err != nil { // the writer goroutine is done: its fields are ours to read
				t.Fatal(err)
			}
			if c := cap(w.buf); c > tc.maxCap || c < tc.minCap {
				t.Errorf("encode buffer kept: cap %d, want %d to %d", c, tc.minCap, tc.maxCap)
			}
			recs, _, err := Tail(dir, 10)
			if err != nil || len(recs) != 1 || recs[0].PayloadLen != len(tc.payload) {
				t.Fatalf("tail: %d records, err %v", len(recs), err)
			}
		})
	}
}

// TestSizeHintCoversLine: a large record's line fits the size it is
// allocated with, so it is encoded with one allocation.
func TestSizeHintCoversLine(t *testing.T) {
	for _, p := range [][]byte{
		bytes.Repeat([]byte("plain text, a few \"quotes\"\n"), 40000),
		bytes.Repeat([]byte{0x80, 0x81, 0x00}, 300000),
		bytes.Repeat([]byte("héllo wörld "), 90000),
	} {
		r := Record{Time: t0, Dir: DirIn, Topic: "a/b", Payload: p, HasPayload: true}
		if got, hint := len(r.AppendJSON(nil)), r.sizeHint(); got > hint {
			t.Errorf("line of %d bytes over its hint %d", got, hint)
		}
	}
}

// TestAcksDoNotWaitForTheFlushTimer: a record someone waits on (a QoS 1/2
// message whose acknowledgement the broker waits for) reaches the file and
// is acknowledged without waiting for the periodic flush.
func TestAcksDoNotWaitForTheFlushTimer(t *testing.T) {
	defer func(d time.Duration) { flushEvery = d }(flushEvery)
	flushEvery = time.Hour
	dir := t.TempDir()
	w, err := OpenWriter(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	acked := make(chan struct{})
	w.RecordThen(inEvent("q/1", []byte("hello"), 0), func() { close(acked) })
	select {
	case <-acked:
	case <-time.After(30 * time.Second): // a deadlock guard, not a timing bound
		t.Fatal("the acknowledgement waited for the flush timer")
	}
	if recs, _, err := Tail(dir, 10); err != nil || len(recs) != 1 {
		t.Fatalf("acknowledged before the file held it: %d records, %v", len(recs), err)
	}
}
