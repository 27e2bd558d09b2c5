package history

import (
	"errors"
	"testing"
	"time"

	"mqttchat/mqttconn"
)

// TestWriterQueue: records wait in order up to the queue's limit; one more
// is counted as not written and its done called at once (a broker must not
// wait for its acknowledgement), as is a record after the writer took its
// last batch. A flood signals the writer once, not once a record; a record
// someone waits on signals it urgently (not gathered).
func TestWriterQueue(t *testing.T) {
	w := &Writer{opts: Options{Queue: 3}, ready: make(chan struct{}, 1), urgent: make(chan struct{}, 1)}
	called := 0
	done := func() { called++ }
	for i := range 4 {
		w.RecordThen(inEvent("q", []byte{byte('a' + i)}, time.Duration(i)), done)
	}
	if got := w.NotWritten(); got != 1 || called != 1 {
		t.Fatalf("over the limit: %d not written, %d done called; want 1 and 1", got, called)
	}
	if len(w.urgent) != 1 || len(w.ready) != 0 {
		t.Fatalf("%d urgent and %d gathered wake-ups pending, want 1 and 0: records someone waits on are urgent", len(w.urgent), len(w.ready))
	}
	w.RecordThen(mqttconn.Event{Kind: mqttconn.KindLost}, nil) // full: counted too
	items := w.take(false)
	if len(items) != 3 {
		t.Fatalf("took %d records, want 3", len(items))
	}
	for i, it := range items {
		if ev := it.event(); ev.Kind != mqttconn.KindMessage || string(ev.Message.Payload) != string(rune('a'+i)) || it.done == nil {
			t.Fatalf("record %d: %+v", i, ev)
		}
	}
	w.writeBatch(nil)
	w.RecordThen(mqttconn.Event{Kind: mqttconn.KindLost, Err: errLost}, nil)
	if len(w.ready) != 1 {
		t.Fatalf("%d gathered wake-ups pending, want 1", len(w.ready))
	}
	if last := w.take(true); len(last) != 1 || last[0].ev == nil || last[0].event().Err != errLost {
		t.Fatalf("last batch: %+v", last)
	}
	w.RecordThen(inEvent("q", []byte("late"), 0), done)
	if got := w.NotWritten(); got != 3 || called != 2 {
		t.Fatalf("after the last batch: %d not written, %d done called; want 3 and 2", got, called)
	}
}

var errLost = errors.New("lost")
