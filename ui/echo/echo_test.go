package echo

import (
	"testing"
	"time"
)

func msg(topic, payload string, qos byte) Message {
	return Message{Topic: topic, Hash: Hash([]byte(payload)), Size: len(payload), QoS: qos}
}

func TestMatching(t *testing.T) {
	t0 := time.Now()
	type recv struct {
		m        Message
		at       time.Duration
		expected int
		want     int // key, or 0 for not an echo
	}
	tests := []struct {
		name string
		sent []Message // keys 1, 2, … sent at t0
		recv []recv
	}{
		{"own message once", []Message{msg("chat", "hi", 1)},
			[]recv{{msg("chat", "hi", 1), time.Millisecond, 1, 1}, {msg("chat", "hi", 1), time.Second, 1, 0}}},
		{"echo at a lower QoS (granted)", []Message{msg("chat", "hi", 2)},
			[]recv{{msg("chat", "hi", 0), 0, 1, 1}}},
		{"never at a higher QoS", []Message{msg("chat", "hi", 0)},
			[]recv{{msg("chat", "hi", 1), 0, 1, 0}}},
		{"same text twice quickly: one each, in order", []Message{msg("chat", "ok", 0), msg("chat", "ok", 0)},
			[]recv{{msg("chat", "ok", 0), 0, 1, 1}, {msg("chat", "ok", 0), 0, 1, 2}, {msg("chat", "ok", 0), 0, 1, 0}}},
		{"overlapping subscriptions: two copies of one", []Message{msg("chat", "hi", 1)},
			[]recv{{msg("chat", "hi", 1), 0, 2, 1}, {msg("chat", "hi", 1), 0, 2, 1}, {msg("chat", "hi", 1), 0, 2, 0}}},
		{"another topic or text is not an echo", []Message{msg("chat", "hi", 1)},
			[]recv{{msg("chat2", "hi", 1), 0, 1, 0}, {msg("chat", "hi!", 1), 0, 1, 0}}},
		{"after the window, not an echo", []Message{msg("chat", "hi", 1)},
			[]recv{{msg("chat", "hi", 1), Window + time.Second, 1, 0}}},
	}
	for _, tc := range tests {
		m := New[int]()
		for i, s := range tc.sent {
			m.Sent(i+1, s, t0)
		}
		for j, r := range tc.recv {
			got, ok := m.Received(r.m, t0.Add(r.at), r.expected)
			if !ok {
				got = 0
			}
			if got != r.want {
				t.Errorf("%s: receipt %d matched %d, want %d", tc.name, j, got, r.want)
			}
		}
	}
}

func TestResendRestartsTheWindowAndPruneForgets(t *testing.T) {
	t0 := time.Now()
	m := New[int]()
	m.Sent(1, msg("chat", "hi", 1), t0)
	m.Sent(1, msg("chat", "hi", 1), t0.Add(time.Minute)) // resent after a reconnect
	if _, ok := m.Received(msg("chat", "hi", 1), t0.Add(time.Minute+time.Second), 1); !ok {
		t.Fatal("echo after a resend not matched")
	}
	m.Sent(2, msg("chat", "x", 0), t0)
	m.Prune(t0.Add(time.Minute + 2*Window))
	if m.Len() != 0 {
		t.Fatalf("%d remembered after the window", m.Len())
	}
	m.Sent(3, msg("chat", "y", 0), t0)
	m.Forget(3)
	if _, ok := m.Received(msg("chat", "y", 0), t0, 1); ok || m.Len() != 0 {
		t.Fatal("a forgotten message matched")
	}
}

func TestCopiesOfOverlappingSubscriptionsComeTogether(t *testing.T) {
	t0 := time.Now()
	m := New[int]()
	m.Sent(1, msg("chat", "hi", 1), t0)
	if _, ok := m.Received(msg("chat", "hi", 1), t0.Add(time.Millisecond), 2); !ok {
		t.Fatal("echo not matched")
	}
	// Two seconds later with the same text: another client, not a second copy.
	if _, ok := m.Received(msg("chat", "hi", 1), t0.Add(2*time.Second), 2); ok {
		t.Fatal("a later message was taken for a copy of the echo")
	}
}
