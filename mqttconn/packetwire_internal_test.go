package mqttconn

import (
	"bytes"
	"io"
	"testing"

	"github.com/eclipse/paho.mqtt.golang/packets"
)

// The wire wrapper's own read paths give the observer the fields too: a
// PUBLISH over the size cap (read past, never handed on), a QoS 2 PUBLISH
// held again before its PUBREL (not delivered twice), and one handed on.
func TestWireObserverFields(t *testing.T) {
	big := bytes.Repeat([]byte("b"), 5000)
	var stream []byte
	stream = append(stream, pkt(TypePublish<<4|2, str("too/big"), []byte{0, 1}, big)...)
	stream = append(stream, pkt(TypePublish<<4|4, str("held/again"), []byte{0, 2}, []byte("dup"))...)
	stream = append(stream, pkt(TypePublish<<4|4, str("handed/on"), []byte{0, 3}, []byte("fresh"))...)
	var got []Packet
	w := newWireConn(readConn{r: bytes.NewReader(stream)}, 1000, func(p Packet) { got = append(got, p) })
	w.onTooLarge = func(Message, int, func()) {}
	w.seenQoS2 = func(id uint16) bool { return id == 2 }
	pk, err := packets.ReadPacket(w)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := pk.(*packets.PublishPacket); !ok || p.TopicName != "handed/on" {
		t.Fatalf("paho got %v", pk)
	}
	if _, err := packets.ReadPacket(w); err != io.EOF && err != io.ErrUnexpectedEOF {
		t.Fatalf("after the stream: %v", err)
	}
	want := []struct {
		topic           string
		id              uint16
		payload         int
		preview         string
		dropped, repeat bool
	}{
		{"too/big", 1, 5000, "", true, false},
		{"held/again", 2, 3, "dup", false, true},
		{"handed/on", 3, 5, "fresh", false, false},
	}
	if len(got) != len(want) {
		t.Fatalf("%d packets: %+v", len(got), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Topic != w.topic || g.ID != w.id || g.PayloadLen != w.payload || string(g.PreviewBytes()) != w.preview || g.Dropped != w.dropped || g.Duplicate != w.repeat {
			t.Errorf("packet %d: %+v, want %+v", i, g, w)
		}
	}
}
