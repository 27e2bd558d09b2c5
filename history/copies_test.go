package history

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn"
)

// copyEnv names the folder, and the base time, a child test process records
// the same deliveries in, as a second mqttchat on the same broker would.
const (
	copyEnv   = "MQTTCHAT_HISTORY_COPY_DIR"
	copyT0Env = "MQTTCHAT_HISTORY_COPY_T0"
)

// deliveries is what both processes receive; skew shifts the stamps as two
// processes' clocks read the same delivery a little apart. The parent also
// receives "twice" twice (two overlapping subscriptions): a genuine repeat.
func deliveries(base time.Time, skew time.Duration, parent bool) []mqttconn.Event {
	msg := func(topic, p string, at time.Duration) mqttconn.Event {
		t := base.Add(at + skew)
		return mqttconn.Event{Kind: mqttconn.KindMessage, Time: t, Message: mqttconn.Message{Topic: topic, Payload: []byte(p), QoS: 1, Time: t}}
	}
	evs := []mqttconn.Event{msg("chat/room", "hello", 0), msg("chat/room", "twice", time.Second)}
	if parent {
		evs = append(evs, msg("chat/room", "twice", time.Second+time.Millisecond))
	}
	return append(evs, msg("chat/room", "bye", 2*time.Second))
}

// Two mqttchat processes on one broker record each delivery; replay, Search
// (and so `mqttchat history`) show each once, and keep the repeat that one
// process really received twice.
func TestTwoProcessesRecordEachDeliveryOnce(t *testing.T) {
	if dir := os.Getenv(copyEnv); dir != "" {
		n, _ := strconv.ParseInt(os.Getenv(copyT0Env), 10, 64)
		w, err := OpenWriter(dir, Options{})
		if err != nil {
			os.Exit(3)
		}
		for _, ev := range deliveries(time.Unix(0, n), 3*time.Millisecond, false) {
			w.Record(ev)
		}
		if w.Close() != nil {
			os.Exit(4)
		}
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestTwoProcessesRecordEachDeliveryOnce$")
	cmd.Env = append(os.Environ(), copyEnv+"="+dir, copyT0Env+"="+strconv.FormatInt(t0.UnixNano(), 10))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	writeAll(t, dir, Options{}, deliveries(t0, 0, true)...)
	if segs, _ := listSegments(dir); len(segs) != 2 || segmentPID(segs[0].path) == segmentPID(segs[1].path) {
		t.Fatalf("want two segments of two processes: %v", segs)
	}
	payloads := func(recs []Record) string {
		var s []string
		for _, r := range recs {
			s = append(s, string(r.Payload))
		}
		return strings.Join(s, " ")
	}
	const want = "hello twice twice bye"
	var recs []Record
	st, err := Search(context.Background(), []string{dir}, Query{}, func(r Record) bool { recs = append(recs, r); return true })
	if err != nil || payloads(recs) != want || st.Duplicates != 3 {
		t.Fatalf("Search: %q (%d copies), %v; want %q", payloads(recs), st.Duplicates, err, want)
	}
	tail, _, err := Tail(dir, 500)
	if err != nil || payloads(tail) != want {
		t.Fatalf("Tail: %q, %v; want %q", payloads(tail), err, want)
	}
}
