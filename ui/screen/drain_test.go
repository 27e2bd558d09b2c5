package screen

import (
	"fmt"
	"testing"

	"mqttchat/mqttconn"
	"mqttchat/ui/packets"
)

// TestDrainOneBatchPerFrame: the events and the packets of a frame come in
// one message (one Update and one View), and the drain fills the slices
// Update is done with again instead of allocating new ones, without
// mixing up what they held.
func TestDrainOneBatchPerFrame(t *testing.T) {
	c := newFakeConn()
	feed := packets.NewFeed(100)
	m := New(c, Options{Broker: "127.0.0.1:1883", Packets: feed})
	var firsts []*mqttconn.Event
	sp := spares{}
	for frame := range 4 {
		for i := range 3 {
			c.q.Push(msgEvent("t", fmt.Sprintf("f%d-%d", frame, i), 0))
			feed.Observe(mqttconn.Packet{Type: mqttconn.TypePublish, ID: uint16(frame*10 + i)})
		}
		msg := waitForEvents(c, nil, feed, sp)().(eventsMsg)
		if len(msg.events) != 3 || len(msg.packets) != 3 || len(msg.analyses) != 3 {
			t.Fatalf("frame %d: %d events, %d packets, %d analyses; want 3 each", frame, len(msg.events), len(msg.packets), len(msg.analyses))
		}
		for i, ev := range msg.events {
			if want := fmt.Sprintf("f%d-%d", frame, i); string(ev.Message.Payload) != want || msg.analyses[i].preview != want {
				t.Fatalf("frame %d event %d: %q (preview %q), want %q", frame, i, ev.Message.Payload, msg.analyses[i].preview, want)
			}
			if id := msg.packets[i].ID; id != uint16(frame*10+i) {
				t.Fatalf("frame %d packet %d: id %d", frame, i, id)
			}
		}
		firsts = append(firsts, &msg.events[0])
		m = step(m, msg)
		sp = spares{events: msg.events, analyses: msg.analyses, packets: msg.packets}
	}
	if firsts[2] != firsts[0] || firsts[3] != firsts[1] {
		t.Error("the drain allocated new slices instead of refilling the spares")
	}
	if got := m.packets.Len(); got != 12 {
		t.Errorf("the packets view holds %d packets, want 12", got)
	}
	if got := m.list.Len(); got < 12 {
		t.Errorf("the list holds %d rows, want the 12 messages", got)
	}
}
