// Package historytest makes large message logs for benchmarks without
// filling the disk: each segment is a sparse file whose last records are
// real, in a time range of its own, as segments written over days are.
package historytest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mqttchat/history"
	"mqttchat/mqttconn"
)

// segmentSize is the size of each made segment: the writer's maximum.
const segmentSize = history.DefaultMaxSegment

// Fill makes segments in dir totalling at least size bytes, the newest
// ending an hour ago; each ends with perSegment real records of 180-byte
// payloads and is otherwise a hole.
func Fill(tb testing.TB, dir string, size int64, perSegment int) {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	payload := make([]byte, 180)
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
	n := int((size + segmentSize - 1) / segmentSize)
	end := time.Now().Add(-time.Hour)
	for s := range n {
		// Segment s covers the hour that ends (n-1-s) hours before end.
		start := end.Add(-time.Duration(n-s) * time.Hour)
		var tail []byte
		for i := range perSegment {
			at := start.Add(time.Hour * time.Duration(i+1) / time.Duration(perSegment))
			r := history.Record{Time: at, Dir: history.DirIn, Topic: fmt.Sprintf("old/%d", i%100), Payload: payload, HasPayload: true}
			tail = r.AppendJSON(tail)
		}
		path := filepath.Join(dir, history.SegmentName(start, 1))
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			tb.Fatal(err)
		}
		// A newline ends the hole, so the records after it are whole lines.
		hole := segmentSize - int64(len(tail)) - 1
		if _, err := f.WriteAt(append([]byte{'\n'}, tail...), hole); err != nil {
			tb.Fatal(err)
		}
		if err := f.Close(); err != nil {
			tb.Fatal(err)
		}
		at := start.Add(time.Hour)
		_ = os.Chtimes(path, at, at)
	}
}

// Real writes size bytes of real history into dir through the writer, so
// that segments and their indexes are what mqttchat writes: records of
// about 200 bytes on 1,000 topics plant/P/lineL/sensorS, spread evenly over
// span and ending at end. One payload in a thousand holds "alarm". It
// returns the number of records written.
func Real(tb testing.TB, dir string, size int64, span time.Duration, end time.Time) int {
	tb.Helper()
	w, err := history.OpenWriter(dir, history.Options{MaxTotal: -1, MaxAge: -1, Queue: 1 << 16})
	if err != nil {
		tb.Fatal(err)
	}
	const perRecord = 256
	n := int(size / perRecord)
	start := end.Add(-span)
	sem := make(chan struct{}, 1<<15)
	pad := "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789"
	for i := range n {
		at := start.Add(time.Duration(int64(span) / int64(n) * int64(i)))
		note := "ok"
		if i%1000 == 999 {
			note = "alarm"
		}
		p := fmt.Sprintf(`{"v":%d.%02d,"seq":%d,"note":"%s","pad":"%s"}`, i%97, i%100, i, note, pad)
		t := fmt.Sprintf("plant/%d/line%d/sensor%d", i%10, i/10%10, i/100%10)
		sem <- struct{}{}
		w.RecordThen(mqttconn.Event{Kind: mqttconn.KindMessage, Time: at,
			Message: mqttconn.Message{Topic: t, Payload: []byte(p), QoS: 1, Time: at}}, func() { <-sem })
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	if w.NotWritten() != 0 {
		tb.Fatalf("%d records not written", w.NotWritten())
	}
	return n
}
