package history_test

import (
	"os"
	"testing"

	"mqttchat/history"
	"mqttchat/history/historytest"
)

// BenchmarkTail1GiB measures the start-up replay (the last 500 messages)
// with 1 GiB of history in 16 segments of 64 MiB.
func BenchmarkTail1GiB(b *testing.B) {
	dir := b.TempDir()
	historytest.Fill(b, dir, 1<<30, 1000)
	entries, _ := os.ReadDir(dir)
	var total int64
	for _, e := range entries {
		info, _ := e.Info()
		total += info.Size()
	}
	for b.Loop() {
		recs, _, err := history.Tail(dir, 500)
		if err != nil || len(recs) != 500 {
			b.Fatalf("%d records, %v", len(recs), err)
		}
	}
	b.ReportMetric(float64(total)/(1<<30), "GiB-held")
}
