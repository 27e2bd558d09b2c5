package history

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"mqttchat/mqttconn"
)

func TestOutboxSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions", "b__c.outbox")
	o, msgs, err := OpenOutbox(path)
	if err != nil || len(msgs) != 0 {
		t.Fatalf("new outbox: %v %v", msgs, err)
	}
	// A second copy of the same session is refused.
	if _, _, err := OpenOutbox(path); !errors.Is(err, ErrSessionInUse) {
		t.Fatalf("second open: %v", err)
	}
	o.Add(1, mqttconn.Message{Topic: "a", Payload: []byte("one"), QoS: 1})
	o.Add(2, mqttconn.Message{Topic: "b", Payload: []byte{0xff, 0}, QoS: 2, Retained: true})
	o.Add(3, mqttconn.Message{Topic: "c", Payload: []byte("three"), QoS: 1})
	o.Done(1)
	o.Close()
	// A torn line from a crash is ignored.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"tst":"2026`)
	f.Close()

	o, msgs, err = OpenOutbox(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Topic != "b" || string(msgs[0].Payload) != "\xff\x00" || !msgs[0].Retained || msgs[0].QoS != 2 || msgs[1].Topic != "c" {
		t.Fatalf("restored %+v", msgs)
	}
	// Compacted with ids 1..n: Done(1) now settles "b".
	o.Done(1)
	o.Close()
	_, msgs, err = OpenOutbox(path)
	if err != nil || len(msgs) != 1 || msgs[0].Topic != "c" {
		t.Fatalf("after compaction: %+v %v", msgs, err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("outbox mode %v", st.Mode().Perm())
	}
}

func TestRecordThenAcksAfterWrite(t *testing.T) {
	dir := t.TempDir()
	w, err := OpenWriter(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	acked := make(chan struct{})
	w.RecordThen(inEvent("q1", []byte("x"), 0), func() {
		// By now the record is in the file.
		recs, _ := scanAllNoT(dir)
		if len(recs) != 1 {
			t.Errorf("acked before the record reached the file (%d records)", len(recs))
		}
		close(acked)
	})
	<-acked
	w.Close()
}

func scanAllNoT(dir string) ([]Record, error) {
	var recs []Record
	_, err := Scan([]string{dir}, func(r Record) bool { recs = append(recs, r); return true })
	return recs, err
}
