package history

import (
	"strings"
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
		for len(w.ch) > 1<<19 {
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
