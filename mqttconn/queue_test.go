package mqttconn

import "testing"

func TestQueueDropsOnlyMessagesWhenFull(t *testing.T) {
	q := NewQueue(2)
	for i := 0; i < 3; i++ {
		q.Push(Event{Kind: KindMessage})
	}
	if !q.Push(Event{Kind: KindLost}) {
		t.Fatal("a connection event was dropped")
	}
	select {
	case <-q.Ready():
	default:
		t.Fatal("Ready not signalled")
	}
	evs, dropped := q.Drain()
	if len(evs) != 3 || dropped != 1 || evs[2].Kind != KindLost {
		t.Fatalf("drained %d events, dropped %d", len(evs), dropped)
	}
	if q.Len() != 0 {
		t.Fatal("queue not empty after drain")
	}
	if !q.Push(Event{Kind: KindMessage}) {
		t.Fatal("drained queue refuses a message")
	}
}

func TestBackoffIsCapped(t *testing.T) {
	c := &Client{cfg: Config{MinBackoff: 1e9, MaxBackoff: 30e9}}
	for attempt := 1; attempt < 40; attempt++ {
		d := c.backoff(attempt)
		if d <= 0 || d > 30e9 {
			t.Fatalf("backoff(%d) = %v", attempt, d)
		}
	}
	if d := c.backoff(1); d < 0.8e9 || d > 1.2e9 {
		t.Fatalf("first backoff %v", d)
	}
}

// TestQueueDrainInto: a spare given back is cleared and filled next; what
// the drain returned is not touched by later pushes.
func TestQueueDrainInto(t *testing.T) {
	q := NewQueue(10)
	q.Push(Event{Kind: KindMessage, Message: Message{Topic: "a"}})
	first, _ := q.Drain()
	q.Push(Event{Kind: KindMessage, Message: Message{Topic: "b"}})
	second, _ := q.DrainInto(first)
	if len(second) != 1 || second[0].Message.Topic != "b" {
		t.Fatalf("second drain: %+v", second)
	}
	if first[:1][0].Message.Topic != "" {
		t.Fatalf("the spare was not cleared: %+v", first[:1])
	}
	q.Push(Event{Kind: KindMessage, Message: Message{Topic: "c"}})
	third, _ := q.DrainInto(second)
	if len(third) != 1 || third[0].Message.Topic != "c" || &third[0] != &first[:1][0] {
		t.Fatalf("third drain: %+v (not the spare given)", third)
	}
}
