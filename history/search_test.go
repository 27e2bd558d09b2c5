package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/topic"
)

func searchAll(t *testing.T, dirs []string, q Query) ([]Record, Stats) {
	t.Helper()
	var recs []Record
	st, err := Search(context.Background(), dirs, q, func(r Record) bool { recs = append(recs, r); return true })
	if err != nil {
		t.Fatal(err)
	}
	return recs, st
}

// reference is what a query must return: every record, decoded with
// encoding/json, filtered without any shortcut.
func reference(recs []Record, q Query) []string {
	var out []string
	for _, r := range recs {
		if !(q.Since.IsZero() || !r.Time.Before(q.Since)) || !(q.Until.IsZero() || !r.Time.After(q.Until)) {
			continue
		}
		msg := r.Dir == DirIn || (r.Dir == DirOut && r.HasPayload)
		if (!q.Events || len(q.Topics) > 0 || q.Text != "") && !msg {
			continue
		}
		if len(q.Topics) > 0 {
			ok := false
			for _, f := range q.Topics {
				ok = ok || topic.Match(f, r.Topic)
			}
			if !ok {
				continue
			}
		}
		if q.Text != "" && !bytes.Contains(r.Payload, []byte(q.Text)) && !strings.Contains(r.Topic, q.Text) {
			continue
		}
		out = append(out, describe(r))
	}
	return out
}

func describe(r Record) string {
	return fmt.Sprintf("%s %s %q %q %d %s", r.Time.Format(time.RFC3339Nano), r.Dir, r.Topic, r.Payload, r.ID, r.State)
}

// Search returns exactly what a plain filter of every record returns, in
// time order, whatever shortcuts it takes: skipped chunks, the check on a
// line's bytes (escapes, base64, wildcard filters), parallel decoding.
func TestSearchAgreesWithAPlainFilter(t *testing.T) {
	defer func(c int64) { chunkBytes = c }(chunkBytes)
	chunkBytes = 32 << 10 // many chunks
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	topics := []string{"plant/1/line7/sensor5", "plant/2/line7/sensor5", "plant/1/line8/x", "a\"quoted\\/t", "bidi\u202e/x", "bad\xff/topic", "$SYS/x"}
	payloads := []string{"alarm high", "ALARM", "temp 21.5", "ctl\x01alarm\u2028", "\xffalarm\xfe binary", "{\"k\":\"alarm\"}", ""}
	// Three writers (segments) with overlapping times; one clock steps back.
	for w := range 3 {
		var evs []mqttconn.Event
		for i := range 1000 {
			at := time.Duration(i*3+w) * 100 * time.Millisecond
			if w == 2 && i > 500 {
				at -= 10 * time.Minute // a clock stepped back
			}
			p := payloads[rng.IntN(len(payloads))]
			if rng.IntN(200) == 0 {
				p += strings.Repeat("z", 70<<10) // a long line
			}
			evs = append(evs, inEvent(topics[rng.IntN(len(topics))], []byte(p+fmt.Sprint(" ", w, i)), at))
			if i%100 == 0 {
				evs = append(evs, mqttconn.Event{Kind: mqttconn.KindLost, Err: errors.New("EOF alarm"), Time: t0.Add(at)})
			}
		}
		writeAll(t, dir, Options{MaxSegment: 512 << 10}, evs...)
	}
	all, _ := scanAll(t, dir)
	for _, q := range []Query{
		{},
		{Events: true},
		{Topics: []string{"plant/1/line7/sensor5"}},
		{Topics: []string{"plant/+/line7/#"}},
		{Topics: []string{"plant/1/#", "a\"quoted\\/t"}},
		{Topics: []string{"bad\xff/topic"}},
		{Topics: []string{"#"}},
		{Text: "alarm"},
		{Text: "\x01alarm\u2028"},
		{Text: "\xffalarm"},
		{Text: "quoted"},
		{Text: "alarm", Topics: []string{"plant/+/line8/#"}},
		{Since: t0.Add(5 * time.Minute), Until: t0.Add(6 * time.Minute)},
		{Since: t0.Add(4 * time.Minute), Topics: []string{"plant/1/line7/sensor5"}},
		{Until: t0.Add(time.Minute), Text: "temp", Events: true},
	} {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			q.AllCopies = true               // a plain filter knows no copies; each writer here wrote its own
			q.Parallel = len(q.Topics)%2 + 1 // one at a time, or two
			want := reference(all, q)
			recs, st := searchAll(t, []string{dir}, q)
			var got []string
			for i, r := range recs {
				got = append(got, describe(r))
				if i > 0 && r.Time.Before(recs[i-1].Time) && r.Segment == recs[i-1].Segment {
					continue // within one segment, the order written (the clock stepped back)
				}
			}
			if strings.Join(sorted(got), "\n") != strings.Join(sorted(want), "\n") {
				t.Fatalf("%d records, want %d (stats %+v)", len(got), len(want), st)
			}
			if st.Corrupt != 0 {
				t.Fatalf("%d corrupt", st.Corrupt)
			}
		})
	}
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j] < c[j-1]; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	return c
}

// Records of several segments come out merged by time, and a query for a
// recent hour reads only the segments that can hold it.
func TestSearchMergesByTimeAndSkipsSegments(t *testing.T) {
	dir := t.TempDir()
	for s := range 6 { // six segments, an hour each, written in turn
		var evs []mqttconn.Event
		for i := range 100 {
			evs = append(evs, inEvent(fmt.Sprint("t/", s), []byte(fmt.Sprint(i)), time.Duration(s)*time.Hour+time.Duration(i)*30*time.Second))
		}
		writeAll(t, dir, Options{}, evs...)
	}
	// Two writers at once interleave.
	a, _ := OpenWriter(dir, Options{})
	b, _ := OpenWriter(dir, Options{})
	for i := range 50 {
		w := a
		if i%2 == 1 {
			w = b
		}
		w.Record(inEvent("both", []byte(fmt.Sprint(i)), 7*time.Hour+time.Duration(i)*time.Second))
	}
	a.Close()
	b.Close()
	recs, st := searchAll(t, []string{dir}, Query{})
	if len(recs) != 650 {
		t.Fatalf("%d records", len(recs))
	}
	for i := 1; i < len(recs); i++ {
		if recs[i].Time.Before(recs[i-1].Time) {
			t.Fatalf("record %d out of time order", i)
		}
	}
	recs, st = searchAll(t, []string{dir}, Query{Since: t0.Add(5 * time.Hour), Until: t0.Add(5*time.Hour + 30*time.Minute)})
	if len(recs) != 61 || st.SegmentsSkipped != 7 || st.Segments != 8 {
		t.Fatalf("%d records, %d of %d segments skipped", len(recs), st.SegmentsSkipped, st.Segments)
	}
}

// Search stops when emit says so, and when its context is cancelled, and
// leaves no goroutine behind (TestMain checks).
func TestSearchStops(t *testing.T) {
	dir := t.TempDir()
	var evs []mqttconn.Event
	for i := range 20000 {
		evs = append(evs, inEvent("t", []byte(fmt.Sprint(i)), time.Duration(i)*time.Millisecond))
	}
	writeAll(t, dir, Options{MaxSegment: 256 << 10}, evs...)
	n := 0
	if _, err := Search(context.Background(), []string{dir}, Query{}, func(Record) bool { n++; return n < 10 }); err != nil || n != 10 {
		t.Fatalf("%d emitted, %v", n, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	_, err := Search(ctx, []string{dir}, Query{}, func(Record) bool {
		if n++; n == 5 {
			cancel()
		}
		return true
	})
	if !errors.Is(err, context.Canceled) || n >= 20000 {
		t.Fatalf("after cancel: %d emitted, %v", n, err)
	}
}

// Two mqttchat processes on one broker record each delivery: replay, Search
// (and so `mqttchat history`) show it once. A device that sent the same
// payload twice still shows twice, as does a process that got it twice.
func TestEachDeliveryOnceAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	write := func(pid int, recs ...Record) {
		var b []byte
		for _, r := range recs {
			b = r.AppendJSON(b)
		}
		if err := os.WriteFile(filepath.Join(dir, SegmentName(t0, pid)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	in := func(tp, p string, at time.Duration) Record {
		return Record{Time: t0.Add(at), Dir: DirIn, Topic: tp, Payload: []byte(p), HasPayload: true, QoS: 1}
	}
	ms := time.Millisecond
	write(100,
		in("chat", "hello", 0),
		in("chat", "again", 10*time.Second), in("chat", "again", 10*time.Second+5*ms), // sent twice by the device
		in("solo", "only A", 20*time.Second),
		Record{Time: t0.Add(30 * time.Second), Dir: DirOut, Topic: "chat", Payload: []byte("from A"), HasPayload: true, ID: 1, State: "acknowledged"},
	)
	write(200,
		in("chat", "hello", 3*ms),
		in("chat", "again", 10*time.Second+2*ms), in("chat", "again", 10*time.Second+9*ms),
		in("chat", "from A", 30*time.Second+4*ms),
		in("late", "x", 40*time.Second),
	)
	write(300, in("chat", "hello", 7*ms), in("late", "x", 45*time.Second)) // too late to be a copy
	want := []string{"in chat hello", "in chat again", "in chat again", "in solo only A", "out chat from A", "in chat from A", "in late x", "in late x"}
	show := func(recs []Record) string {
		var s []string
		for _, r := range recs {
			s = append(s, r.Dir+" "+r.Topic+" "+string(r.Payload))
		}
		return strings.Join(s, ", ")
	}
	recs, st := searchAll(t, []string{dir}, Query{})
	if show(recs) != strings.Join(want, ", ") || st.Duplicates != 4 {
		t.Fatalf("Search: %s (%d copies), want %s", show(recs), st.Duplicates, strings.Join(want, ", "))
	}
	tail, _, err := Tail(dir, 100)
	if err != nil || show(tail) != strings.Join(want, ", ") {
		t.Fatalf("Tail: %s, %v", show(tail), err)
	}
	all, _ := searchAll(t, []string{dir}, Query{AllCopies: true})
	if len(all) != 12 {
		t.Fatalf("AllCopies: %d records", len(all))
	}
	// Sent ids are qualified by their segment.
	for _, r := range recs {
		if r.Dir == DirOut && (r.Segment != SegmentName(t0, 100) || r.PID() != 100) {
			t.Fatalf("sent record's segment %q pid %d", r.Segment, r.PID())
		}
	}
}

// Corrupt lines are skipped and counted in what Search returns.
func TestSearchCountsCorruptLines(t *testing.T) {
	dir := t.TempDir()
	writeAll(t, dir, Options{}, inEvent("a", []byte("1"), 0), inEvent("a", []byte("2"), time.Second))
	segs, _ := listSegments(dir)
	data, _ := os.ReadFile(segs[0].path)
	os.WriteFile(segs[0].path, append(data, "garbage\n{\"tst\":\"x\"}\n"...), 0o600)
	recs, st := searchAll(t, []string{dir}, Query{})
	if len(recs) != 2 || st.Corrupt != 2 {
		t.Fatalf("%d records, %d corrupt", len(recs), st.Corrupt)
	}
}

// A query for messages shows a sent message with its final state (its state
// updates are not among the results), or StateUnknown when its process quit
// before one was recorded.
func TestSearchShowsSentMessagesFinalState(t *testing.T) {
	dir := t.TempDir()
	msg := func(id uint64, p string, at time.Duration) mqttconn.Event {
		m := mqttconn.Message{Topic: "mine", Payload: []byte(p), QoS: 1, Time: t0.Add(at)}
		return mqttconn.Event{Kind: mqttconn.KindPublish, OutID: id, State: mqttconn.StateQueued, Message: m, Time: m.Time}
	}
	state := func(id uint64, s mqttconn.OutState, at time.Duration) mqttconn.Event {
		return mqttconn.Event{Kind: mqttconn.KindPublish, OutID: id, State: s, Time: t0.Add(at)}
	}
	writeAll(t, dir, Options{},
		msg(1, "acked", 0), state(1, mqttconn.StateSending, time.Second), state(1, mqttconn.StateAcked, 2*time.Second),
		msg(2, "never acked", 3*time.Second), state(2, mqttconn.StateSending, 4*time.Second),
	)
	recs, _ := searchAll(t, []string{dir}, Query{Topics: []string{"mine"}})
	if len(recs) != 2 || recs[0].State != "acknowledged" || recs[1].State != StateUnknown || recs[1].Text != ErrStateUnknown.Error() {
		t.Fatalf("%+v", recs)
	}
	// With the events, the raw lines are shown as they are.
	all, _ := searchAll(t, []string{dir}, Query{Events: true})
	if len(all) != 5 || all[0].State != "queued" {
		t.Fatalf("raw: %d records, first %q", len(all), all[0].State)
	}
}
