package topics

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fleetTopic is the i-th topic of a fleet: 4 levels, 100 sites of up to
// 1,000 devices.
func fleetTopic(i int) string {
	return fmt.Sprintf("fleet/site%03d/dev%04d/state", i%100, i/100)
}

func fleetPayload(i int) []byte {
	return []byte(fmt.Sprintf(`{"t":%d.%d,"rh":%d,"bat":%d}`, 15+i%15, i%10, 30+i%40, i%101))
}

// newFleet is a view of n topics, each with one message, all expanded.
func newFleet(n int, set Settings) Model {
	m := New(set, nil, DefaultStyles())
	m.SetSize(120, 40)
	at := time.Unix(1_700_000_000, 0)
	for i := 0; i < n; i++ {
		m.Add(fleetTopic(i), fleetPayload(i), i%10 == 0, 1, at)
	}
	setExpandedBelow(&m.tree.root, true)
	m.Tick(at.Add(time.Second))
	m = keys(m, "home")
	return m
}

// BenchmarkView draws a window of 40 rows of a tree of 100 or 100,000
// topics: the cost must not grow with the topics (goal ≤ 1.5×).
func BenchmarkView(b *testing.B) {
	for _, n := range []int{100, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			m := newFleet(n, Settings{})
			m = keys(m, "down", "down", "down", "down", "down", "down", "down", "down")
			_ = m.View()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				_ = m.View()
			}
		})
	}
}

// BenchmarkFrame is one frame at 20,000 msg/s: 333 messages (16.7 ms)
// on known topics, then the view drawn.
func BenchmarkFrame(b *testing.B) {
	for _, n := range []int{100, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			m := newFleet(n, Settings{})
			payloads := make([][]byte, 1024)
			for i := range payloads {
				payloads[i] = fleetPayload(i)
			}
			at := time.Unix(1_700_000_010, 0)
			b.ReportAllocs()
			b.ResetTimer()
			k := 0
			for range b.N {
				for j := 0; j < 333; j++ {
					k++
					m.Add(fleetTopic(k%n), payloads[k%1024], false, 1, at)
				}
				_ = m.View()
			}
		})
	}
}

// BenchmarkAdd is one message on a known topic of a tree of 100,000, and
// one on a new topic.
func BenchmarkAdd(b *testing.B) {
	const n = 100_000
	names := make([]string, n)
	for i := range names {
		names[i] = fleetTopic(i)
	}
	payload := fleetPayload(7)
	at := time.Unix(1_700_000_000, 0)
	b.Run("known", func(b *testing.B) {
		tr := NewTree(Settings{}, DefaultPreview)
		for _, name := range names {
			tr.Add(name, payload, false, 1, at)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			tr.Add(names[i%n], payload, false, 1, at)
		}
	})
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		tr := NewTree(Settings{MaxTopics: b.N + 1}, DefaultPreview)
		for i := range b.N {
			tr.Add(fleetTopic(i), payload, false, 1, at)
		}
	})
}

// BenchmarkMemory100k reports the heap and the process's RSS with 100,000
// topics holding their default 16 recent values of a 30-byte JSON
// payload (the value budget caps them), and the heap per topic.
func BenchmarkMemory100k(b *testing.B) {
	for range b.N {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m := newFleet(100_000, Settings{})
		at := time.Unix(1_700_000_100, 0)
		for r := 0; r < 15; r++ { // 16 values each, or what the budget keeps
			for i := 0; i < 100_000; i++ {
				m.Add(fleetTopic(i), fleetPayload(i+r), false, 1, at)
			}
		}
		_ = m.View()
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := float64(after.HeapAlloc - before.HeapAlloc)
		b.ReportMetric(heap/(1<<20), "MiB-heap")
		b.ReportMetric(heap/100_000, "B/topic")
		b.ReportMetric(rssMiB(), "MiB-RSS")
		s := m.Tree().Stats()
		b.ReportMetric(float64(s.ValueBytes)/(1<<20), "MiB-values")
		runtime.KeepAlive(m)
	}
}

// rssMiB is the process's resident set from /proc (0 elsewhere).
func rssMiB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}
