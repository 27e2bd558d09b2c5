package history

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"mqttchat/mqttconn"
)

// The writer's index gives each chunk the least and greatest time of its
// records, not the first and last: after a clock stepped back they differ.
func TestIndexKeepsMinAndMaxAfterAClockStepBack(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("x"), 600<<10) // two records make a chunk, and each is a long line
	writeAll(t, dir, Options{},
		inEvent("a", big, 10*time.Second),
		inEvent("b", big, 20*time.Second),
		inEvent("c", big, 5*time.Second), // the clock stepped back
		inEvent("d", []byte("small"), 15*time.Second),
	)
	segs, _ := listSegments(dir)
	if len(segs) != 1 {
		t.Fatalf("%d segments", len(segs))
	}
	f, err := os.Open(segs[0].path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ix := readIndex(f, segs[0].path, segs[0].size)
	if ix.upto != segs[0].size {
		t.Fatalf("index covers %d of %d bytes", ix.upto, segs[0].size)
	}
	if len(ix.chunks) != 2 {
		t.Fatalf("%d chunks, want 2 (one per MiB written, one at close): %+v", len(ix.chunks), ix.chunks)
	}
	rg := rangeOf(ix.chunks)
	if !rg.min.Equal(t0.Add(5*time.Second)) || !rg.max.Equal(t0.Add(20*time.Second)) || rg.n != 4 {
		t.Fatalf("range %v – %v of %d, want t0+5s – t0+20s of 4", rg.min.Sub(t0), rg.max.Sub(t0), rg.n)
	}
	if len(ix.longs) != 3 {
		t.Fatalf("%d long lines indexed, want 3", len(ix.longs))
	}
	// Find reaches the stepped-back record inside its chunk.
	if got, err := Find(dir, t0.Add(5*time.Second), "c", false); err != nil || len(got) != len(big) {
		t.Fatalf("Find: %d bytes, %v", len(got), err)
	}
	if _, err := Find(dir, t0.Add(6*time.Second), "c", false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Find at another time: %v", err)
	}
}

// Find never loses a message earlier than its segment's name, whether the
// segment has an index or not (an older mqttchat's, or one whose index went).
func TestFindWithAndWithoutIndex(t *testing.T) {
	for _, keepIndex := range []bool{true, false} {
		t.Run(fmt.Sprint("index=", keepIndex), func(t *testing.T) {
			dir := t.TempDir()
			writeAll(t, dir, Options{}, inEvent("later", []byte("2"), 2*time.Hour), inEvent("old", []byte("from before the step"), 0))
			segs, _ := listSegments(dir)
			if !keepIndex {
				if err := os.Remove(indexPath(segs[0].path)); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Find(dir, t0, "old", false)
			if err != nil || string(got) != "from before the step" {
				t.Fatalf("Find: %q, %v", got, err)
			}
		})
	}
}

// A segment written before the index existed reads as it is.
func TestOldSegmentWithoutIndexReads(t *testing.T) {
	dir := t.TempDir()
	old := `{"tst":"` + t0.Format(time.RFC3339Nano) + `","dir":"in","topic":"a","qos":0,"payloadlen":2,"payload":"hi"}` + "\n" +
		`{"tst":"` + t0.Add(time.Second).Format(time.RFC3339Nano) + `","dir":"out","topic":"b","qos":1,"payloadlen":1,"payload":"x","id":1,"state":"sending"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, SegmentName(t0, 1)), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	recs, _ := scanAll(t, dir)
	tail, _, err := Tail(dir, 10)
	if err != nil || len(recs) != 2 || len(tail) != 2 {
		t.Fatalf("scan %d, tail %d, %v", len(recs), len(tail), err)
	}
	if got, err := Find(dir, t0, "a", false); err != nil || string(got) != "hi" {
		t.Fatalf("Find: %q, %v", got, err)
	}
}

// A topic that arrived as invalid UTF-8 is kept byte-exact as topic_b64,
// and every line stays valid UTF-8 JSON.
func TestInvalidUTF8TopicKeepsLinesValid(t *testing.T) {
	dir := t.TempDir()
	bad := "plant/\xff\xfe/x"
	writeAll(t, dir, Options{}, inEvent(bad, []byte("v"), 0),
		mqttconn.Event{Kind: mqttconn.KindLost, Err: errors.New("reason \xc3"), Time: t0.Add(time.Second)})
	data := readDir(t, dir)
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		if !utf8.Valid(line) || !json.Valid(line) {
			t.Fatalf("not valid UTF-8 JSON: %q", line)
		}
	}
	if !bytes.Contains(data, []byte(`"topic_b64":"`)) {
		t.Fatal("no topic_b64")
	}
	recs, _ := scanAll(t, dir)
	if len(recs) != 2 || recs[0].Topic != bad {
		t.Fatalf("read back %+v", recs)
	}
	if got, err := Find(dir, t0, bad, false); err != nil || string(got) != "v" {
		t.Fatalf("Find: %q %v", got, err)
	}
}

// Tail reads a long record's fields and the start of its payload only
// (Partial), with or without the index, and keeps a sent one's state.
func TestTailReadsLongRecordsLazily(t *testing.T) {
	for _, keepIndex := range []bool{true, false} {
		t.Run(fmt.Sprint("index=", keepIndex), func(t *testing.T) {
			dir := t.TempDir()
			big := bytes.Repeat([]byte("0123456789"), 400<<10) // 4 MiB
			bin := append([]byte{0xff}, big[:1<<20]...)
			out := mqttconn.Message{Topic: "mine", Payload: big, QoS: 1, Time: t0.Add(3 * time.Second)}
			writeAll(t, dir, Options{},
				inEvent("small", []byte("s"), 0),
				inEvent("big", big, time.Second),
				inEvent("bin", bin, 2*time.Second),
				mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 7, State: mqttconn.StateSending, Message: out, Time: out.Time},
				mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 7, State: mqttconn.StateAcked, Time: out.Time.Add(time.Second)},
			)
			if !keepIndex {
				segs, _ := listSegments(dir)
				os.Remove(indexPath(segs[0].path))
			}
			tail, st, err := Tail(dir, 10)
			if err != nil || st.Corrupt != 0 || len(tail) != 4 {
				t.Fatalf("%d records, %d corrupt, %v", len(tail), st.Corrupt, err)
			}
			for i, want := range []struct {
				topic   string
				full    []byte
				partial bool
				state   string
			}{{"small", []byte("s"), false, ""}, {"big", big, true, ""}, {"bin", bin, true, ""}, {"mine", big, true, "acknowledged"}} {
				r := tail[i]
				if r.Topic != want.topic || r.Partial != want.partial || r.PayloadLen != len(want.full) || r.State != want.state || r.ID != map[bool]uint64{true: 7}[r.Dir == DirOut] {
					t.Errorf("%d: %s partial %v len %d state %q id %d", i, r.Topic, r.Partial, r.PayloadLen, r.State, r.ID)
				}
				if !bytes.HasPrefix(want.full, r.Payload) || len(r.Payload) > headBytes || (want.partial && len(r.Payload) == 0) {
					t.Errorf("%s: payload start of %d bytes is not the payload's start", r.Topic, len(r.Payload))
				}
			}
			if got, err := Find(dir, t0.Add(time.Second), "big", false); err != nil || !bytes.Equal(got, big) {
				t.Fatalf("Find: %d bytes, %v", len(got), err)
			}
			whole, _, err := TailWhole(dir, 10)
			if err != nil || len(whole) != 4 || !bytes.Equal(whole[1].Payload, big) || !bytes.Equal(whole[2].Payload, bin) || whole[3].State != "acknowledged" || whole[1].Partial {
				t.Fatalf("TailWhole: %d records, %v", len(whole), err)
			}
		})
	}
}

// A replayed sent message whose final state was never recorded, by a
// process that is gone, says so; a live writer's is left as it is.
func TestStaleSentStateIsUnknown(t *testing.T) {
	dir := t.TempDir()
	out := mqttconn.Message{Topic: "mine", Payload: []byte("p"), QoS: 1, Time: t0}
	sending := mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateSending, Message: out, Time: t0}
	w, err := OpenWriter(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Record(sending)
	waitFlushed(t, dir, 1)
	live, _, _ := Tail(dir, 5)
	w.Close()
	gone, _, _ := Tail(dir, 5)
	if len(live) != 1 || live[0].State != "sending" {
		t.Fatalf("live writer's message: %+v", live)
	}
	if len(gone) != 1 || gone[0].State != StateUnknown || gone[0].Text != ErrStateUnknown.Error() {
		t.Fatalf("gone writer's message: %+v", gone)
	}
	ev, _ := gone[0].AsEvent()
	if !errors.Is(ev.Err, ErrStateUnknown) || !strings.Contains(ev.Err.Error(), "quit before the broker's ack") {
		t.Fatalf("event error %v", ev.Err)
	}
}

// waitFlushed waits until dir holds n records (the writer flushes every 100 ms).
func waitFlushed(t *testing.T, dir string, n int) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if bytes.Count(readDir(t, dir), []byte("\n")) >= n {
			return
		}
	}
	t.Fatalf("%d records never reached the file", n)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r    *bytes.Reader
	read int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.read += int64(n)
	return n, err
}

// Reading backwards over a long line costs what it reads, once or twice —
// never a copy of the line per chunk — and with the index's offsets the line
// is not read at all.
func TestReverseLinesIsLinearOverLongLines(t *testing.T) {
	long := bytes.Repeat([]byte("y"), 8<<20)
	data := append(append([]byte("first\n"), long...), "\nlast\n"...)
	longStart := int64(len("first\n"))
	longEnd := longStart + int64(len(long)) + 1
	for _, tc := range []struct {
		name    string
		longs   map[int64]int64
		maxRead int64
	}{
		{"without index", nil, 2*int64(len(data)) + 2*revChunk},
		{"with index", map[int64]int64{longEnd: longStart}, 3 * revChunk},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cr := &countingReader{r: bytes.NewReader(data)}
			var got []string
			err := reverseLines(cr, int64(len(data)), tc.longs, func(line []byte, off, n int64) bool {
				if line == nil {
					got = append(got, fmt.Sprintf("long@%d+%d", off, n))
				} else {
					got = append(got, string(line))
				}
				return true
			})
			want := fmt.Sprintf("last long@%d+%d first", longStart, len(long))
			if err != nil || strings.Join(got, " ") != want {
				t.Fatalf("lines %v, %v; want %s", got, err, want)
			}
			if cr.read > tc.maxRead {
				t.Fatalf("read %d bytes for a %d-byte file, want at most %d", cr.read, len(data), tc.maxRead)
			}
		})
	}
}

// Deleting the history folder while mqttchat runs is noticed: the writer
// warns, makes the folder again and records what comes next there.
func TestDeletedFolderIsMadeAgain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mqtt_localhost_1883")
	warned := make(chan error, 4)
	w, err := OpenWriter(dir, Options{OnWarn: func(err error) { warned <- err }})
	if err != nil {
		t.Fatal(err)
	}
	w.Record(inEvent("before", []byte("1"), 0))
	waitFlushed(t, dir, 1)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	for i := range 500 {
		w.Record(inEvent("after", []byte(fmt.Sprint(i)), time.Second+time.Duration(i)*time.Millisecond))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-warned:
		if !strings.Contains(err.Error(), "was deleted while mqttchat ran; it was made again") {
			t.Fatalf("warning: %v", err)
		}
	default:
		t.Fatal("no warning")
	}
	recs, _ := scanAll(t, dir)
	if got := uint64(len(recs)) + w.NotWritten(); got != 500 || len(recs) == 0 {
		t.Fatalf("%d records in the new folder + %d counted as not written, want 500", len(recs), w.NotWritten())
	}
	if w.Err() != nil {
		t.Fatalf("writer failed: %v", w.Err())
	}
}

// A finished segment without an index (an older version's) gets one the
// first time a query reads it whole, with long lines and chunk ranges, so
// later queries skip it by its time range; one a live process holds does
// not. An index whose segment is gone is removed with retention.
func TestOldSegmentGetsAnIndexOnce(t *testing.T) {
	defer func(c int64) { chunkBytes = c }(chunkBytes)
	chunkBytes = 4 << 10
	dir := t.TempDir()
	var evs []mqttconn.Event
	for i := range 200 {
		evs = append(evs, inEvent("t", []byte(fmt.Sprint(i)), time.Duration(i)*time.Second))
	}
	evs = append(evs, inEvent("big", bytes.Repeat([]byte("b"), 100<<10), time.Hour))
	writeAll(t, dir, Options{}, evs...)
	segs, _ := listSegments(dir)
	written, _ := os.ReadFile(indexPath(segs[0].path))
	os.Remove(indexPath(segs[0].path))

	held, _ := os.Open(segs[0].path)
	tryLock(held)
	searchAll(t, []string{dir}, Query{})
	if _, err := os.Stat(indexPath(segs[0].path)); !os.IsNotExist(err) {
		t.Fatalf("an index was written for a held segment: %v", err)
	}
	unlock(held)
	held.Close()

	first, _ := searchAll(t, []string{dir}, Query{})
	built, err := os.ReadFile(indexPath(segs[0].path))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(segs[0].path)
	defer f.Close()
	ix := readIndex(f, segs[0].path, segs[0].size)
	lines := func(b []byte) string { return strings.Join(sorted(strings.Split(string(b), "\n")), "\n") }
	if ix.upto != segs[0].size || len(ix.chunks) != 5 || len(ix.longs) != 1 || lines(built) != lines(written) {
		t.Fatalf("built index covers %d of %d bytes in %d chunks with %d long lines:\n%s\n(the writer's:\n%s)", ix.upto, segs[0].size, len(ix.chunks), len(ix.longs), built, written)
	}
	again, st := searchAll(t, []string{dir}, Query{Since: t0.Add(2 * time.Hour)})
	if len(first) != 201 || len(again) != 0 || st.SegmentsSkipped != 1 {
		t.Fatalf("%d then %d records, %d skipped", len(first), len(again), st.SegmentsSkipped)
	}
	os.Remove(segs[0].path)
	if _, err := enforceRetention(dir, "", 0, 0, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(indexPath(segs[0].path)); !os.IsNotExist(err) {
		t.Fatalf("orphan index left: %v", err)
	}
}
