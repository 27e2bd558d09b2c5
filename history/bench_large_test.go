package history

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"

	"mqttchat/mqttconn"
)

// BenchmarkTailLargeRecords is the start-up replay (the last 500 messages)
// when the history ends with one large record among small ones, or with
// 500 records of 100 KiB, with the index and without it (a segment of an
// older version, or a killed writer's unindexed tail).
func BenchmarkTailLargeRecords(b *testing.B) {
	for _, tc := range []struct {
		name       string
		size, many int
	}{{"one-4MiB", 4 << 20, 1}, {"one-32MiB", 32 << 20, 1}, {"one-256MiB", 256 << 20, 1}, {"500x100KiB", 100 << 10, 500}} {
		dir := b.TempDir()
		w, err := OpenWriter(dir, Options{MaxSegment: 1 << 40})
		if err != nil {
			b.Fatal(err)
		}
		big := bytes.Repeat([]byte("0123456789"), tc.size/10)
		for i := range 500 {
			w.Record(inEventAt("small", []byte("small payload"), time.Duration(i)*time.Millisecond))
		}
		for i := range tc.many {
			w.Record(inEventAt("big", big, time.Second+time.Duration(i)*time.Millisecond))
		}
		for i := range 10 {
			w.Record(inEventAt("after", []byte("small"), 2*time.Second+time.Duration(i)*time.Millisecond))
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name+"/whole", func(b *testing.B) {
			for b.Loop() {
				recs, _, err := TailWhole(dir, 500)
				if err != nil || len(recs) != 500 {
					b.Fatalf("%d records, %v", len(recs), err)
				}
			}
		})
		for _, indexed := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/index=%v", tc.name, indexed), func(b *testing.B) {
				if !indexed {
					segs, _ := listSegments(dir)
					for _, s := range segs {
						os.Remove(indexPath(s.path))
					}
				}
				for b.Loop() {
					recs, _, err := Tail(dir, 500)
					if err != nil || len(recs) != 500 {
						b.Fatalf("%d records, %v", len(recs), err)
					}
				}
			})
		}
	}
}

func inEventAt(topic string, payload []byte, at time.Duration) mqttconn.Event {
	return inEvent(topic, payload, at)
}
