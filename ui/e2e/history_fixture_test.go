package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mqttchat/history"
	"mqttchat/mqttconn"
)

// makeHistory fills a broker's log folder with about size bytes: one real
// 64 MiB segment and hard links of it (so the disk holds 64 MiB).
func makeHistory(tb testing.TB, dir string, size int64) {
	tb.Helper()
	w, err := history.OpenWriter(dir, history.Options{MaxSegment: 1 << 62, MaxTotal: -1, MaxAge: -1})
	if err != nil {
		tb.Fatal(err)
	}
	base := time.Now().Add(-time.Hour)
	payload := make([]byte, 180)
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
	const perRecord = 280
	for i := 0; i < (64<<20)/perRecord; i++ {
		at := base.Add(time.Duration(i) * time.Millisecond)
		w.Record(mqttconn.Event{Kind: mqttconn.KindMessage, Time: at, Message: mqttconn.Message{Topic: fmt.Sprintf("old/%d", i%100), Payload: payload, Time: at}})
		if i%20000 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	src := filepath.Join(dir, entries[0].Name())
	for i := int64(1); i < size/(64<<20); i++ {
		name := filepath.Join(dir, fmt.Sprintf("seg-%020d-%d.jsonl", base.Add(-time.Duration(i)*time.Hour).UnixNano(), 1))
		if err := os.Link(src, name); err != nil {
			tb.Skip("no hard links:", err)
		}
	}
}
