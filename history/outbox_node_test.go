package history

import (
	"path/filepath"
	"slices"
	"testing"

	"mqttchat/mqttconn"
)

// TestOutboxKeepsClusterNodes: the node that holds a cluster's session and
// the node each message in flight was sent on survive a restart, and the
// compaction of the next; the last saved node counts, and a file written
// before nodes were kept reads as "not known".
func TestOutboxKeepsClusterNodes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.outbox")
	o, _, err := OpenOutbox(path)
	if err != nil {
		t.Fatal(err)
	}
	if o.RestoredSessionNode() != "" {
		t.Fatalf("a new outbox restored node %q", o.RestoredSessionNode())
	}
	for i, m := range []string{"a", "b", "c"} {
		if err := o.Add(uint64(i+1), mqttconn.Message{Topic: "t/" + m, QoS: 2, Payload: []byte(m)}); err != nil {
			t.Fatal(err)
		}
	}
	steps := []error{
		o.SessionNode("a.example:1883"),
		o.InFlightOn(1, mqttconn.InFlight{PacketID: 7, Node: "a.example:1883"}),
		o.InFlightOn(1, mqttconn.InFlight{PacketID: 7, Released: true, Node: "a.example:1883"}),
		o.SessionNode("[::1]:1884"),
		o.InFlightOn(2, mqttconn.InFlight{PacketID: 9, Node: "[::1]:1884"}),
		o.InFlight(3, 11, true), // no node known
	}
	if i := slices.IndexFunc(steps, func(err error) bool { return err != nil }); i >= 0 {
		t.Fatalf("step %d: %v", i, steps[i])
	}
	o.Close()
	want := []mqttconn.InFlight{
		{PacketID: 7, Released: true, Node: "a.example:1883"},
		{PacketID: 9, Node: "[::1]:1884"},
		{PacketID: 11, Released: true},
	}
	for round := range 2 {
		o, msgs, err := OpenOutbox(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.RestoredInFlight(); len(msgs) != 3 || !slices.Equal(got, want) {
			t.Fatalf("round %d: %d messages, in flight %+v, want %+v", round, len(msgs), got, want)
		}
		if got := o.RestoredSessionNode(); got != "[::1]:1884" {
			t.Fatalf("round %d: session node %q", round, got)
		}
		o.Close()
	}
}

// TestParseInFlight reads the in-flight texts of every version.
func TestParseInFlight(t *testing.T) {
	for _, tt := range []struct {
		text string
		want mqttconn.InFlight
	}{
		{"7", mqttconn.InFlight{PacketID: 7}},
		{"7 released", mqttconn.InFlight{PacketID: 7, Released: true}},
		{"7 on b:1883", mqttconn.InFlight{PacketID: 7, Node: "b:1883"}},
		{"7 released on b:1883", mqttconn.InFlight{PacketID: 7, Released: true, Node: "b:1883"}},
		{"0", mqttconn.InFlight{}},
		{"x on b:1", mqttconn.InFlight{}},
	} {
		if got := parseInFlight(tt.text); got != tt.want {
			t.Errorf("%q: %+v, want %+v", tt.text, got, tt.want)
		}
		if tt.want.PacketID != 0 {
			if got := parseInFlight(formatInFlight(tt.want)); got != tt.want {
				t.Errorf("round trip of %+v: %+v", tt.want, got)
			}
		}
	}
}
