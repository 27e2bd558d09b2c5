package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mqttchat/history"
)

// writeSegment writes records as one process's segment of the broker's log.
func writeSegment(t *testing.T, server string, pid int, recs ...history.Record) {
	t.Helper()
	dir, err := history.BrokerDir(server)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	var b []byte
	for _, r := range recs {
		b = r.AppendJSON(b)
	}
	name := fmt.Sprintf("seg-%d-%d.jsonl", recs[0].Time.UnixNano(), pid)
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestHistoryFoldsEchoes: a received record that is the echo of a message
// the same process sent is not printed; the sent line says echoed. The same
// text from another client, or received by another process, still prints.
func TestHistoryFoldsEchoes(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	at := func(d time.Duration) time.Time { return base.Add(d) }
	var id uint64
	sent := func(topic, text string, d time.Duration) history.Record {
		id++
		return history.Record{Time: at(d), Dir: history.DirOut, Topic: topic, QoS: 1, Payload: []byte(text),
			PayloadLen: len(text), ID: id, State: "acked", HasPayload: true}
	}
	recv := func(topic, text string, d time.Duration) history.Record {
		return history.Record{Time: at(d), Dir: history.DirIn, Topic: topic, QoS: 1, Payload: []byte(text),
			PayloadLen: len(text), HasPayload: true}
	}
	ms := time.Millisecond
	writeSegment(t, "tcp://a:1883", 100,
		sent("chat/lobby", "hello", 0),
		recv("chat/lobby", "hello", 50*ms),         // its echo
		recv("chat/lobby", "hello", 5*time.Second), // another client, later: no sent message waits
		sent("x", "twice", 10*time.Second),
		sent("x", "twice", 10*time.Second+100*ms),
		recv("x", "twice", 10*time.Second+200*ms),
		recv("x", "twice", 10*time.Second+300*ms),
		sent("y", "never echoed", 20*time.Second),
		recv("z", "after", 21*time.Second),
	)
	writeSegment(t, "tcp://a:1883", 200,
		recv("other", "hello", 1*time.Second), // another process: never an echo of pid 100's
		recv("x", "twice from 200", 10*time.Second+250*ms),
	)

	code, out, errOut := runCLI(t, "history", "-h", "a")
	if code != 0 || errOut != "" {
		t.Fatalf("history: %d %q", code, errOut)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		got = append(got, l[len("2006-01-02 15:04:05.000 "):])
	}
	want := []string{
		"▶ you → chat/lobby q1 hello (acked) · echoed",
		"◀ other q1 hello",
		"◀ chat/lobby q1 hello",
		"▶ you → x q1 twice (acked) · echoed",
		"▶ you → x q1 twice (acked) · echoed",
		"◀ x q1 twice from 200",
		"▶ you → y q1 never echoed (acked)",
		"◀ z q1 after",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	_, out, _ = runCLI(t, "history", "-h", "a", "-t", "chat/lobby", "--format", "json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"dir":"out"`) || !strings.HasSuffix(lines[0], `,"echoed":1}`) ||
		strings.Contains(lines[1], "echoed") {
		t.Fatalf("json:\n%s", out)
	}
}
