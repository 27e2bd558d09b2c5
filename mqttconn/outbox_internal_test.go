package mqttconn

import (
	"errors"
	"fmt"
	"testing"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// fakeClient is a client over a fake paho client, never started.
func fakeClient(t *testing.T, cfg Config) (*Client, *fakePaho) {
	t.Helper()
	f := &fakePaho{}
	if cfg.Server == "" {
		cfg.Server = "tcp://127.0.0.1:1"
	}
	c, err := newClient(cfg, func(*paho.ClientOptions) paho.Client { return f })
	if err != nil {
		t.Fatal(err)
	}
	c.paho = f // as if connected once
	return c, f
}

// states are the publish events queued so far, as "id:state".
func states(c *Client) []string {
	evs, _ := c.queue.Drain()
	var out []string
	for _, ev := range evs {
		if ev.Kind == KindPublish {
			out = append(out, fmt.Sprintf("%d:%s", ev.OutID, ev.State))
		}
	}
	return out
}

func ids(c *Client) []uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []uint64
	for _, om := range c.outbox {
		out = append(out, om.id)
	}
	return out
}

func TestPublishDone(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name       string
		qos        byte
		carriedBy  uint64 // the epoch of the message's last send
		doneEpoch  uint64 // the epoch the token belonged to
		nowEpoch   uint64
		connected  bool
		err        error
		wantEvents []string
		wantKept   bool
	}{
		{"QoS 0 written", 0, 1, 1, 1, true, nil, []string{"1:sent"}, false},
		{"QoS 0 not written", 0, 1, 1, 1, true, boom, []string{"1:failed"}, false},
		{"QoS 1 acked on its connection", 1, 1, 1, 1, true, nil, []string{"1:acknowledged"}, false},
		{"QoS 2 acked on its connection", 2, 1, 1, 1, true, nil, []string{"1:acknowledged"}, false},
		{"QoS 1 token of a superseded send", 1, 2, 1, 2, true, nil, nil, true},
		{"QoS 1 completed after the loss", 1, 1, 1, 1, false, nil, nil, true},
		{"QoS 1 completed on a later connection", 1, 1, 1, 2, true, nil, nil, true},
		{"QoS 2 token error", 2, 1, 1, 1, true, boom, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := fakeClient(t, Config{})
			c.outbox = []*outMessage{{id: 1, msg: Message{Topic: "a", QoS: tt.qos}, epoch: tt.carriedBy, sends: 1}}
			c.pending.Store(1)
			c.epoch, c.connected = tt.nowEpoch, tt.connected
			c.publishDone(1, tt.doneEpoch, tt.err)
			if got := states(c); fmt.Sprint(got) != fmt.Sprint(tt.wantEvents) {
				t.Errorf("events %v, want %v", got, tt.wantEvents)
			}
			if kept := len(ids(c)) == 1; kept != tt.wantKept || c.Pending() != len(ids(c)) {
				t.Errorf("kept %v (pending %d), want %v", kept, c.Pending(), tt.wantKept)
			}
		})
	}
}

func TestRequeueInFlight(t *testing.T) {
	c, _ := fakeClient(t, Config{})
	c.outbox = []*outMessage{
		{id: 1, msg: Message{Topic: "a", QoS: 0}, sends: 1},
		{id: 2, msg: Message{Topic: "a", QoS: 1}, sends: 1, epoch: 1},
		{id: 3, msg: Message{Topic: "a", QoS: 2}}, // never sent
		{id: 4, msg: Message{Topic: "a", QoS: 2}, sends: 2, epoch: 1},
	}
	c.pending.Store(4)
	c.requeueInFlight()
	if got, want := fmt.Sprint(states(c)), "[1:failed 2:queued 4:queued]"; got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	if got := fmt.Sprint(ids(c)); got != "[2 3 4]" || c.Pending() != 3 {
		t.Errorf("outbox %s (pending %d), want [2 3 4]", got, c.Pending())
	}
}

func TestFlushOutboxSendsInOrderAndSaysResent(t *testing.T) {
	c, f := fakeClient(t, Config{})
	c.outbox = []*outMessage{
		{id: 1, msg: Message{Topic: "one", QoS: 1}},
		{id: 2, msg: Message{Topic: "two", QoS: 2}, sends: 1, epoch: 1},
	}
	c.pending.Store(2)
	epoch := c.markConnected()
	c.flushOutbox(epoch)
	if got, want := fmt.Sprint(states(c)), "[1:sending 2:resent]"; got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	sent := f.sent()
	if len(sent) != 2 || sent[0].topic != "one" || sent[1].topic != "two" {
		t.Fatalf("published %v, want one, two", sent)
	}
	sent[1].tok.complete(nil)
	sent[0].tok.complete(nil)
	for len(ids(c)) > 0 { // the token goroutines settle both
		runtimeGosched()
	}
	if got := fmt.Sprint(states(c)); got != "[2:acknowledged 1:acknowledged]" && got != "[1:acknowledged 2:acknowledged]" {
		t.Errorf("after the acks: %s", got)
	}
}

func TestErrorsNameNoFlags(t *testing.T) {
	hint := func(r Reason) string { return fmt.Sprintf("hint %d", r) }
	c, _ := fakeClient(t, Config{Hint: hint})
	_, err := c.Publish(Message{Topic: "a"})
	if !errors.Is(err, ErrNotConnected) || err.Error() != ErrNotConnected.Error()+fmt.Sprintf(" (hint %d)", ReasonNotConnected) {
		t.Errorf("QoS 0 offline: %v", err)
	}
	for _, e := range []error{ErrNotConnected, ErrOutboxFull, ErrClosed, ErrRefused, ErrBadQoS,
		classify(errors.New("EOF"), "ssl://h:1"), c.takeoverError(errors.New("x"))} {
		if s := e.Error(); containsFlag(s) {
			t.Errorf("%q names a flag", s)
		}
	}
}
