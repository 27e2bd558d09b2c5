package history

import (
	"path/filepath"
	"slices"
	"testing"

	"mqttchat/mqttconn"
)

// TestOutboxKeepsPacketIDsInFlight: a message's packet id and PUBREC state
// survive a restart, and another restart after that.
func TestOutboxKeepsPacketIDsInFlight(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.outbox")
	o, _, err := OpenOutbox(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range []string{"a", "b", "c"} {
		if err := o.Add(uint64(i+1), mqttconn.Message{Topic: "t/" + m, QoS: 2, Payload: []byte(m)}); err != nil {
			t.Fatal(err)
		}
	}
	o.InFlight(1, 7, false)
	o.InFlight(1, 7, true)
	o.InFlight(2, 9, false)
	o.InFlight(2, 0, false) // let go
	o.InFlight(3, 65535, false)
	o.Done(3)
	o.Close()
	want := []mqttconn.InFlight{{PacketID: 7, Released: true}, {}}
	for round := range 2 {
		o, msgs, err := OpenOutbox(path)
		if err != nil {
			t.Fatal(err)
		}
		got := o.RestoredInFlight()
		if len(msgs) != 2 || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("round %d: %d messages, in flight %+v, want %+v", round, len(msgs), got, want)
		}
		o.Close()
	}
}

// TestOutboxKeepsHeldInboundIDs: the inbound QoS 2 ids saved at close come
// back at the next open, and the one after (the file is compacted between),
// until a later close saves none.
func TestOutboxKeepsHeldInboundIDs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.outbox")
	o, _, err := OpenOutbox(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.RestoredHeld(); len(got) != 0 {
		t.Fatalf("a new outbox restored %v", got)
	}
	if err := o.SaveHeld([]uint16{9, 300, 65535}); err != nil {
		t.Fatal(err)
	}
	o.Close()
	for round := range 2 {
		o, _, err := OpenOutbox(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.RestoredHeld(); !slices.Equal(got, []uint16{9, 300, 65535}) {
			t.Fatalf("round %d: restored %v", round, got)
		}
		o.Close()
	}
	o, _, err = OpenOutbox(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.SaveHeld(nil); err != nil {
		t.Fatal(err)
	}
	o.Close()
	o, _, err = OpenOutbox(path)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if got := o.RestoredHeld(); len(got) != 0 {
		t.Fatalf("after saving none: restored %v", got)
	}
}
