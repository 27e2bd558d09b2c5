package history

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"mqttchat/mqttconn"
)

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
		for w.queued() > 1<<19 {
			time.Sleep(time.Millisecond)
		}
	}
	w.Close()
}

// BenchmarkAppendJSON64 encodes one 64-byte text message's record.
func BenchmarkAppendJSON64(b *testing.B) {
	r := Record{Time: time.Now(), Dir: DirIn, Topic: "flood/sensor/1234", Payload: []byte(strings.Repeat("abcdefgh", 8)), HasPayload: true}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = r.AppendJSON(buf[:0])
	}
}

// BenchmarkWriterPaced is the process's CPU per record (the caller's
// Record, the writer goroutine, its wake-ups and writes) when records come
// one at a time at a flood's pace, as paho hands them on (about 10 µs of
// other work between two), rather than as fast as the writer takes them:
// cpu-ns/record is the CPU beyond that other work, measured alone in the
// same run.
func BenchmarkWriterPaced(b *testing.B) {
	w, err := OpenWriter(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	ev := mqttconn.Event{Kind: mqttconn.KindMessage, Time: t0, Message: mqttconn.Message{Topic: "flood/topic", Payload: make([]byte, 64), Time: t0}}
	var sink uint64
	work := func() { // about 10 µs of the reader's own work
		for i := range 4000 {
			sink = sink*31 + uint64(i)
		}
	}
	b.ResetTimer()
	cpu0 := processCPU()
	for b.Loop() {
		w.Record(ev)
		work()
	}
	w.Close()
	cpu := processCPU() - cpu0
	cpu0 = processCPU()
	for range b.N {
		work()
	}
	alone := processCPU() - cpu0
	b.ReportMetric(float64(cpu-alone)/float64(b.N), "cpu-ns/record")
	b.ReportMetric(float64(alone)/float64(b.N), "work-ns")
	if w.NotWritten() > 0 || sink == 1 {
		b.Fatal("writer fell behind")
	}
}

// processCPU is the CPU time the process used so far, in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
