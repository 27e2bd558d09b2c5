package history

import (
	"path/filepath"
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
