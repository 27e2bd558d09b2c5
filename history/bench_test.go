package history

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mqttchat/mqttconn"
)

// BenchmarkTail1GiB measures the start-up replay (the last 500 messages)
// with 1 GiB of history: sixteen 64 MiB segments (hard links of one
// generated segment, so the benchmark costs 64 MiB of disk).
func BenchmarkTail1GiB(b *testing.B) {
	dir := b.TempDir()
	w, err := OpenWriter(dir, Options{MaxSegment: 1 << 62, MaxTotal: -1})
	if err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, 180)
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
	var written int64
	for i := 0; written < 64<<20; i++ {
		w.Record(mqttconn.Event{Kind: mqttconn.KindMessage, Time: t0.Add(time.Duration(i) * time.Millisecond),
			Message: mqttconn.Message{Topic: fmt.Sprintf("sensors/%d/reading", i%1000), Payload: payload, Time: t0.Add(time.Duration(i) * time.Millisecond)}})
		written += 280
		if i%10000 == 0 {
			time.Sleep(time.Millisecond) // let the writer keep up with its queue
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	segs, _ := listSegments(dir)
	for i := 1; i < 16; i++ {
		name := filepath.Join(dir, segmentName(t0.Add(time.Duration(i)*time.Hour), 1))
		if err := os.Link(segs[0].path, name); err != nil {
			b.Skip("no hard links here:", err)
		}
	}
	segs, _ = listSegments(dir)
	var total int64
	for _, s := range segs {
		total += s.size
	}
	for b.Loop() {
		recs, _, err := Tail(dir, 500)
		if err != nil || len(recs) != 500 {
			b.Fatalf("%d records, %v", len(recs), err)
		}
	}
	b.ReportMetric(float64(total)/(1<<30), "GiB-held")
}

// BenchmarkWriter is the writer's throughput: events per second it encodes
// and appends (a 64-byte payload, as in a flood).
func BenchmarkWriter(b *testing.B) {
	w, err := OpenWriter(b.TempDir(), Options{Queue: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	ev := mqttconn.Event{Kind: mqttconn.KindMessage, Time: t0, Message: mqttconn.Message{Topic: "flood/topic", Payload: make([]byte, 64), Time: t0}}
	b.ResetTimer()
	for b.Loop() {
		w.Record(ev)
		if w.NotWritten() > 0 {
			b.Fatal("writer fell behind")
		}
		for len(w.ch) > 1<<19 {
			time.Sleep(time.Millisecond)
		}
	}
	w.Close()
}
