package history

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn"
)

// t0 is a day before the test runs, on a whole second, in UTC: records are
// dated by it and segments are named by the wall clock, so every segment
// name is later than the records it holds, whatever day the test runs on.
// (A fixed date here once made Find fail from the day after it.)
var t0 = time.Now().Add(-24 * time.Hour).Truncate(time.Second).UTC()

func inEvent(topic string, payload []byte, at time.Duration) mqttconn.Event {
	return mqttconn.Event{Kind: mqttconn.KindMessage, Time: t0.Add(at), Message: mqttconn.Message{
		Topic: topic, Payload: payload, QoS: 1, Time: t0.Add(at)}}
}

func writeAll(t *testing.T, dir string, opts Options, evs ...mqttconn.Event) {
	t.Helper()
	w, err := OpenWriter(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		w.Record(ev)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := w.NotWritten(); n != 0 {
		t.Fatalf("%d events not written", n)
	}
}

func scanAll(t *testing.T, dirs ...string) ([]Record, Stats) {
	t.Helper()
	var recs []Record
	st, err := Scan(dirs, func(r Record) bool { recs = append(recs, r); return true })
	if err != nil {
		t.Fatal(err)
	}
	return recs, st
}

func TestPayloadsRoundTripByteExact(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	payloads := map[string][]byte{
		"binary":  {0x00, 0xff, 0xfe, 0x1b, '[', '2', 'J', 0x80, 0xc3},
		"empty":   {},
		"1MiB":    big,
		"cjk":     []byte("温度 21.5°C 👍🏽"),
		"json":    []byte(`{"a":"b\"c","d":[1,2]}`),
		"c1":      []byte("a\u009b2Jb\u202e"),
		"marks":   []byte("\u061cl\u200er\u200fz\u200bn\u200cw\u2060b\ufeff·👨\u200d👩"),
		"ctrl":    []byte("line1\nline2\ttab\rcr\x7f"),
		"invalid": []byte("ok\xe4\xb8"),
	}
	dir := t.TempDir()
	var evs []mqttconn.Event
	i := 0
	for name, p := range payloads {
		evs = append(evs, inEvent(name, p, time.Duration(i)*time.Second))
		i++
	}
	writeAll(t, dir, Options{}, evs...)
	recs, st := scanAll(t, dir)
	if st.Corrupt != 0 || len(recs) != len(payloads) {
		t.Fatalf("read %d records, %d corrupt", len(recs), st.Corrupt)
	}
	for _, r := range recs {
		if want := payloads[r.Topic]; !bytes.Equal(r.Payload, want) || r.PayloadLen != len(want) || r.QoS != 1 {
			t.Errorf("%s: payload %q (len %d), want %q", r.Topic, trunc(r.Payload), r.PayloadLen, trunc(want))
		}
	}
	// Invalid UTF-8 is stored as base64, never with U+FFFD; nothing raw can reach a terminal.
	data := readDir(t, dir)
	if bytes.Contains(data, []byte("\uFFFD")) || !bytes.Contains(data, []byte(`"payload_b64":`)) {
		t.Fatal("invalid UTF-8 was not kept as payload_b64")
	}
	for _, bad := range []string{"\x1b", "\u009b", "\u202e", "\r", "\x7f", "\u061c", "\u200e", "\u200f", "\u200b", "\u200c", "\u2060", "\ufeff"} {
		if bytes.Contains(data, []byte(bad)) {
			t.Errorf("log holds raw %q", bad)
		}
	}
}

func trunc(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}

func readDir(t *testing.T, dir string) []byte {
	t.Helper()
	segs, _ := listSegments(dir)
	var all []byte
	for _, s := range segs {
		b, err := os.ReadFile(s.path)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestMosquittoFieldNames(t *testing.T) {
	dir := t.TempDir()
	ev := inEvent("a/b", []byte("hi"), 0)
	ev.Message.Retained = true
	writeAll(t, dir, Options{}, ev)
	line := strings.TrimSpace(string(readDir(t, dir)))
	want := `{"tst":"` + t0.Format(time.RFC3339) + `","dir":"in","topic":"a/b","qos":1,"retain":true,"payloadlen":2,"payload":"hi"}`
	if line != want {
		t.Fatalf("line\n%s\nwant\n%s", line, want)
	}
}

func TestFilesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "history", "mqtt_host_1883")
	writeAll(t, dir, Options{}, inEvent("a", []byte("x"), 0))
	segs, _ := listSegments(dir)
	for p, mode := range map[string]os.FileMode{dir: 0o700, segs[0].path: 0o600} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", p, st.Mode().Perm(), mode)
		}
	}
}

// TestTornTailRepairedAtEveryOffset cuts the segment at every byte inside its
// last three records, then opens, appends and reads: everything before the
// cut is there, plus the new records.
func TestTornTailRepairedAtEveryOffset(t *testing.T) {
	src := t.TempDir()
	var evs []mqttconn.Event
	for i := range 6 {
		evs = append(evs, inEvent("t", []byte(fmt.Sprintf("message %d 温度", i)), time.Duration(i)*time.Second))
	}
	writeAll(t, src, Options{}, evs...)
	segs, _ := listSegments(src)
	full, _ := os.ReadFile(segs[0].path)
	lines := bytes.SplitAfter(full, []byte("\n"))
	lines = lines[:len(lines)-1] // the empty string after the last newline
	cutFrom := len(full) - len(lines[3]) - len(lines[4]) - len(lines[5])
	for cut := cutFrom; cut < len(full); cut++ {
		dir := t.TempDir()
		path := filepath.Join(dir, filepath.Base(segs[0].path))
		if err := os.WriteFile(path, full[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		complete := bytes.Count(full[:cut], []byte("\n"))
		writeAll(t, dir, Options{}, inEvent("t", []byte("after the crash"), time.Hour))
		recs, st := scanAll(t, dir)
		if st.Corrupt != 0 {
			t.Fatalf("cut %d: %d corrupt lines after repair", cut, st.Corrupt)
		}
		if len(recs) != complete+1 {
			t.Fatalf("cut %d: %d records, want %d", cut, len(recs), complete+1)
		}
		for i := range complete {
			if want := fmt.Sprintf("message %d 温度", i); string(recs[i].Payload) != want {
				t.Fatalf("cut %d: record %d = %q", cut, i, recs[i].Payload)
			}
		}
		if string(recs[complete].Payload) != "after the crash" {
			t.Fatalf("cut %d: last record %q", cut, recs[complete].Payload)
		}
		repaired, _ := os.ReadFile(path)
		if len(repaired) > 0 && repaired[len(repaired)-1] != '\n' {
			t.Fatalf("cut %d: repaired file does not end with a newline", cut)
		}
	}
}

func TestCorruptLineIsSkippedAndCounted(t *testing.T) {
	dir := t.TempDir()
	writeAll(t, dir, Options{}, inEvent("a", []byte("1"), 0), inEvent("a", []byte("2"), time.Second))
	segs, _ := listSegments(dir)
	data, _ := os.ReadFile(segs[0].path)
	data = append([]byte("{not json\n"+`{"tst":"x","dir":"in"}`+"\n"), data...)
	os.WriteFile(segs[0].path, data, 0o600)
	recs, st := scanAll(t, dir)
	if len(recs) != 2 || st.Corrupt != 2 {
		t.Fatalf("scan: %d records, %d corrupt", len(recs), st.Corrupt)
	}
	tail, st, err := Tail(dir, 10)
	if err != nil || len(tail) != 2 || st.Corrupt != 2 {
		t.Fatalf("tail: %d records, %d corrupt, %v", len(tail), st.Corrupt, err)
	}
}

func TestTwoWritersMergeByTime(t *testing.T) {
	dir := t.TempDir()
	a, err := OpenWriter(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Millisecond) // distinct segment names even within one process
	b, err := OpenWriter(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		w := a
		if i%2 == 1 {
			w = b
		}
		w.Record(inEvent("t", []byte(fmt.Sprint(i)), time.Duration(i)*time.Second))
	}
	// A reader while both are open sees no corruption.
	if _, st := scanAll(t, dir); st.Corrupt != 0 {
		t.Fatal("corrupt lines while writers are open")
	}
	a.Close()
	b.Close()
	recs, _ := scanAll(t, dir)
	if len(recs) != 10 {
		t.Fatalf("%d records", len(recs))
	}
	for i, r := range recs {
		if string(r.Payload) != fmt.Sprint(i) {
			t.Fatalf("record %d is %q: not merged by time", i, r.Payload)
		}
	}
	segs, _ := listSegments(dir)
	if len(segs) != 2 {
		t.Fatalf("%d segments, want one per writer", len(segs))
	}
}

func TestTailReturnsLastMessagesWithFinalState(t *testing.T) {
	dir := t.TempDir()
	var evs []mqttconn.Event
	for i := range 100 {
		evs = append(evs, inEvent("t", []byte(fmt.Sprint(i)), time.Duration(i)*time.Second))
	}
	out := mqttconn.Message{Topic: "mine", Payload: []byte("sent"), QoS: 1, Time: t0.Add(200 * time.Second)}
	evs = append(evs,
		mqttconn.Event{Kind: mqttconn.KindLost, Err: errors.New("EOF"), Time: t0.Add(199 * time.Second)},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateQueued, Message: out, Time: out.Time},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateResent, Time: out.Time.Add(time.Second)},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateAcked, Time: out.Time.Add(2 * time.Second)},
	)
	writeAll(t, dir, Options{MaxSegment: 1500}, evs...) // many small segments
	if segs, _ := listSegments(dir); len(segs) < 5 {
		t.Fatalf("only %d segments", len(segs))
	}
	tail, _, err := Tail(dir, 5)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range tail {
		got = append(got, r.Dir+":"+string(r.Payload)+":"+r.State)
	}
	want := "in:96: in:97: in:98: in:99: out:sent:acknowledged"
	if strings.Join(got, " ") != want {
		t.Fatalf("tail = %s, want %s", strings.Join(got, " "), want)
	}
}

func TestRetentionDeletesOldestSegments(t *testing.T) {
	dir := t.TempDir()
	for i := range 5 {
		writeAll(t, dir, Options{}, inEvent("t", bytes.Repeat([]byte{'x'}, 1000), time.Duration(i)*time.Second))
		time.Sleep(2 * time.Millisecond)
	}
	segs, _ := listSegments(dir)
	old := segs[0].path
	os.Chtimes(old, time.Now().Add(-48*time.Hour), time.Now().Add(-48*time.Hour))
	// By age: the 48-hour-old segment goes.
	writeAll(t, dir, Options{MaxAge: 24 * time.Hour}, inEvent("t", []byte("new"), time.Hour))
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatal("segment older than MaxAge kept")
	}
	// By size: only as much as fits stays, newest first.
	writeAll(t, dir, Options{MaxTotal: 2500}, inEvent("t", []byte("newest"), 2*time.Hour))
	segs, _ = listSegments(dir)
	var total int64
	for _, s := range segs {
		total += s.size
	}
	if total > 2500 {
		t.Fatalf("%d bytes kept, cap 2500", total)
	}
	recs, _ := scanAll(t, dir)
	if string(recs[len(recs)-1].Payload) != "newest" {
		t.Fatal("newest record deleted")
	}
}

func TestWriteFailureWarnsOnceAndCounts(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here")
	}
	dir := t.TempDir()
	var warnings []error
	w, err := OpenWriter(dir, Options{OnError: func(err error) { warnings = append(warnings, err) }})
	if err != nil {
		t.Fatal(err)
	}
	// The disk fills up: every write now fails with ENOSPC. (Set before the
	// first Record, which hands the writer goroutine its first event.)
	w.f.Close()
	w.f = full
	w.bw.Reset(full)
	for range 3 {
		w.Record(inEvent("t", []byte("x"), 0))
	}
	time.Sleep(300 * time.Millisecond)
	w.Close()
	if len(warnings) != 1 || w.NotWritten() == 0 || !strings.Contains(warnings[0].Error(), "no space") {
		t.Fatalf("%d warnings, %d not written", len(warnings), w.NotWritten())
	}
}

func TestBrokerKey(t *testing.T) {
	tests := map[string]string{
		"tcp://host:1883":         "mqtt_host_1883",
		"ssl://host:8883":         "mqtts_host_8883",
		"tcp://[::1]:1883":        "mqtt_localhost_1883",
		"tcp://127.0.0.1:1883":    "mqtt_localhost_1883",
		"mqtt://127.8.9.10:1883":  "mqtt_localhost_1883",
		"tcp://LocalHost:1884":    "mqtt_localhost_1884",
		"ws://localhost:80/mqtt":  "ws_localhost_80",
		"tcp://127.0.0.1":         "mqtt_localhost",
		"tcp://128.0.0.1:1883":    "mqtt_128.0.0.1_1883",
		"ws://u:secret@h:80/mqtt": "ws_h_80",
		"tcp://../../etc:1":       "mqtt_..",
	}
	for in, want := range tests {
		if got := BrokerKey(in); got != want {
			t.Errorf("BrokerKey(%q) = %q, want %q", in, got, want)
		}
		if strings.Contains(BrokerKey(in), "/") || strings.Contains(BrokerKey(in), "secret") {
			t.Errorf("BrokerKey(%q) = %q is not path-safe", in, BrokerKey(in))
		}
	}
}

func TestRecall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "recall.json")
	r, err := LoadRecall(path)
	if err != nil || len(r.Texts) != 0 {
		t.Fatalf("missing file: %v %v", r, err)
	}
	r.Add("a", "one")
	r.Add("b", "two")
	r.Add("a", "one")
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadRecall(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Texts, ",") != "one,two" || strings.Join(got.Topics, ",") != "a,b" {
		t.Fatalf("recall %+v", got)
	}
	os.WriteFile(path, []byte("{oops"), 0o600)
	if _, err := LoadRecall(path); err == nil {
		t.Fatal("corrupt recall file accepted")
	}
}

func FuzzParseRecord(f *testing.F) {
	f.Add([]byte(`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":1,"payloadlen":2,"payload":"hi"}`))
	f.Add([]byte(`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":0,"payloadlen":1,"payload_b64":"/w=="}`))
	f.Add([]byte(`{"tst":"2026-11-26T09:00:00Z","dir":"out","id":3,"state":"acknowledged"}`))
	f.Add([]byte(`{not json`))
	f.Add([]byte(`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":0,"payloadlen":1,"properties":{"content-type":"x","user-properties":[{"k":"v"},{"k":"w"}],"subscription-identifier":[1,2]},"payload":"x"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := parseRecord(line)
		if err != nil {
			return
		}
		// What parses re-encodes and parses to the same record.
		again, err := parseRecord(bytes.TrimSuffix(r.AppendJSON(nil), []byte("\n")))
		if err != nil {
			t.Fatalf("re-encoded record does not parse: %v", err)
		}
		if !bytes.Equal(again.Payload, r.Payload) || again.Topic != r.Topic || !again.Time.Equal(r.Time) ||
			(r.HasPayload && !reflect.DeepEqual(again.Properties, r.Properties)) {
			t.Fatalf("round trip changed the record: %+v vs %+v", r, again)
		}
	})
}

func TestFindReadsBackWholePayloads(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789"), 100000)
	out := mqttconn.Message{Topic: "mine", Payload: []byte("sent big"), QoS: 1, Time: t0.Add(3 * time.Second)}
	writeAll(t, dir, Options{MaxSegment: 300000},
		inEvent("a", []byte("small"), 0),
		inEvent("big", big, time.Second),
		inEvent("big", []byte("same topic, other time"), 2*time.Second),
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateSending, Message: out, Time: out.Time.Add(time.Millisecond)},
	)
	got, err := Find(dir, t0.Add(time.Second), "big", false)
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("Find: %d bytes, %v", len(got), err)
	}
	if got, err := Find(dir, out.Time, "mine", true); err != nil || string(got) != "sent big" {
		t.Fatalf("Find sent: %q, %v", got, err)
	}
	if _, err := Find(dir, t0.Add(time.Hour), "big", false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Find of a missing message: %v", err)
	}
}

// A segment named after a time later than its records (a clock stepped back
// by NTP, a segment copied from another machine) is still searched: Find
// never rules a segment out by its name alone.
func TestFindIgnoresSegmentNamesAfterTheirRecords(t *testing.T) {
	dir := t.TempDir()
	writeAll(t, dir, Options{}, inEvent("old", []byte("from before the step"), 0))
	segs, err := listSegments(dir)
	if err != nil || len(segs) != 1 {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	later := filepath.Join(dir, SegmentName(t0.Add(30*24*time.Hour), 1))
	if err := os.Rename(segs[0].path, later); err != nil {
		t.Fatal(err)
	}
	got, err := Find(dir, t0, "old", false)
	if err != nil || string(got) != "from before the step" {
		t.Fatalf("Find: %q, %v", got, err)
	}
}

// TestNewStatesAndEventsRoundTrip: a QoS 2 message the broker answered with
// PUBACK replays as such (not as failed), and an inbound message over the
// size cap is recorded as an event that names it.
func TestNewStatesAndEventsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	out := mqttconn.Message{Topic: "q2", Payload: []byte("x"), QoS: 2, Time: t0}
	writeAll(t, dir, Options{},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateAckedAsQoS1, Message: out, Time: t0},
		mqttconn.Event{Kind: mqttconn.KindTooLarge, Size: 20 << 20, Message: mqttconn.Message{Topic: "huge", QoS: 1}, Time: t0.Add(time.Second)},
	)
	recs, _ := scanAll(t, dir)
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	if ev, ok := recs[0].AsEvent(); !ok || ev.State != mqttconn.StateAckedAsQoS1 {
		t.Fatalf("replayed state %v", ev.State)
	}
	if r := recs[1]; r.Event != "too_large" || r.Topic != "huge" || !strings.Contains(r.Text, "20971520 bytes") {
		t.Fatalf("too large recorded as %+v", r)
	}
}

// TestFlushPutsWhatWasRecordedOnDisk: a search right after a message
// arrived finds it: Flush returns once the writer wrote it to the file.
func TestFlushPutsWhatWasRecordedOnDisk(t *testing.T) {
	dir := t.TempDir()
	w, err := OpenWriter(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Record(inEvent("t", []byte("just now"), 0))
	w.Flush(5 * time.Second)
	if recs, _ := scanAll(t, dir); len(recs) != 1 || string(recs[0].Payload) != "just now" {
		t.Fatalf("after Flush: %d records on disk", len(recs))
	}
}

// TestResubscribedCountsInWords: a resubscription records how many
// filters, singular for one.
func TestResubscribedCountsInWords(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{1, "1 filter"}, {2, "2 filters"}, {0, "0 filters"}} {
		r, ok := recordOf(mqttconn.Event{Kind: mqttconn.KindResubscribed, Count: tc.n, Time: t0})
		if !ok || r.Event != "resubscribed" || r.Text != tc.want {
			t.Errorf("%d: %q %q, want resubscribed %q", tc.n, r.Event, r.Text, tc.want)
		}
	}
}
