package cli

import (
	"io"
	"log"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mqttchat/history"
	"mqttchat/mqttconn"
)

// TestHistoryAgeZeroKeepsOldSegments: with --history-age 0 a 60-day-old
// segment is kept when the chat opens its history; with the default 30d it
// is removed (so the test can tell the two apart).
func TestHistoryAgeZeroKeepsOldSegments(t *testing.T) {
	cases := []struct {
		args []string
		kept bool
	}{
		{[]string{"-h", "h", "--history-age", "0"}, true},
		{[]string{"-h", "h", "--history-age", "0", "--history-size", "0"}, true},
		{[]string{"-h", "h"}, false},
	}
	for _, tc := range cases {
		t.Setenv("XDG_STATE_HOME", t.TempDir())
		s, code, errOut := settingsFor(t, tc.args...)
		if code != 0 {
			t.Fatal(errOut)
		}
		dir, err := history.BrokerDir(s.server)
		if err != nil {
			t.Fatal(err)
		}
		w, err := history.OpenWriter(dir, history.Options{})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		w.Record(mqttconn.Event{Kind: mqttconn.KindMessage, Time: now, Message: mqttconn.Message{Topic: "t", Payload: []byte("old"), Time: now}})
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		segments, _ := filepath.Glob(filepath.Join(dir, "seg-*.jsonl"))
		if len(segments) != 1 {
			t.Fatalf("segments written: %v", segments)
		}
		segment := segments[0]
		longAgo := now.Add(-60 * 24 * time.Hour)
		if err := os.Chtimes(segment, longAgo, longAgo); err != nil {
			t.Fatal(err)
		}
		rec := openHistory(s, log.New(io.Discard, "", 0), nil)
		if err := rec.close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(segment); (err == nil) != tc.kept {
			t.Errorf("%q: 60-day-old segment kept = %v, want %v", tc.args, err == nil, tc.kept)
		}
	}
}
