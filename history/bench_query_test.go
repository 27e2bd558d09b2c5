package history_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"mqttchat/history"
	"mqttchat/history/historytest"
)

// BenchmarkQuery1GiB builds 1 GiB of real history (16 segments of 64 MiB
// with their indexes, six days) and times a topic query, a text query and a
// last-hour query against `grep -c` of the same pattern over the same files,
// in alternating rounds, reporting medians and ratios. It is skipped unless
// MQTTCHAT_BENCH_1GIB is set (building takes a minute); MQTTCHAT_BENCH_DIR
// keeps the history between runs.
func BenchmarkQuery1GiB(b *testing.B) {
	if os.Getenv("MQTTCHAT_BENCH_1GIB") == "" {
		b.Skip("set MQTTCHAT_BENCH_1GIB=1 to build 1 GiB of history and run this")
	}
	dir := os.Getenv("MQTTCHAT_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	end := time.Now().Truncate(time.Minute)
	stamp := filepath.Join(dir, "built-until")
	if data, err := os.ReadFile(stamp); err == nil {
		n, _ := strconv.ParseInt(string(data), 10, 64)
		end = time.Unix(n, 0)
	} else {
		historytest.Real(b, dir, 1<<30, 6*24*time.Hour, end)
		os.WriteFile(stamp, []byte(strconv.FormatInt(end.Unix(), 10)), 0o600)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "seg-*.jsonl"))
	var total int64
	for _, s := range segs {
		info, _ := os.Stat(s)
		total += info.Size()
	}
	b.Logf("%d segments, %.2f GiB", len(segs), float64(total)/(1<<30))
	for _, tc := range []struct {
		name string
		q    history.Query
		grep string // a fixed string; "" for no grep counterpart
	}{
		{"topic", history.Query{Topics: []string{"plant/3/line7/sensor5"}}, `"topic":"plant/3/line7/sensor5"`},
		{"wildcard", history.Query{Topics: []string{"plant/3/+/sensor5"}}, ""},
		{"text", history.Query{Text: "alarm"}, "alarm"},
		{"last-hour", history.Query{Since: end.Add(-time.Hour)}, ""},
		{"last-hour-topic", history.Query{Since: end.Add(-time.Hour), Topics: []string{"plant/3/line7/sensor5"}}, ""},
	} {
		b.Run(tc.name, func(b *testing.B) {
			search := func() (int, time.Duration) {
				t0 := time.Now()
				n := 0
				_, err := history.Search(context.Background(), []string{dir}, tc.q, func(history.Record) bool { n++; return true })
				if err != nil {
					b.Fatal(err)
				}
				return n, time.Since(t0)
			}
			grep := func() (int, time.Duration) {
				t0 := time.Now()
				out, _ := exec.Command("grep", append([]string{"-c", "-h", "-F", tc.grep}, segs...)...).Output()
				d := time.Since(t0)
				n := 0
				for _, l := range strings.Fields(string(out)) {
					c, _ := strconv.Atoi(l)
					n += c
				}
				return n, d
			}
			var us, them []time.Duration
			for b.Loop() {
				for range 5 {
					n, d := search()
					us = append(us, d)
					if tc.grep != "" {
						g, gd := grep()
						them = append(them, gd)
						if g != n {
							b.Fatalf("search found %d, grep %d", n, g)
						}
					}
					b.Logf("%s: %d records", tc.name, n)
				}
			}
			b.ReportMetric(median(us).Seconds()*1000, "ms-search")
			if len(them) > 0 {
				b.ReportMetric(median(them).Seconds()*1000, "ms-grep")
				b.ReportMetric(float64(median(us))/float64(median(them)), "x-grep")
			}
		})
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
