// Package echo matches the messages a client receives with the ones it
// published itself: with a subscription that covers its own topics (mqttchat
// subscribes to "#" by default), the broker routes every message we send
// back to us, and a chat shows it once, marked, not twice.
//
// MQTT 3.1.1 carries no sender in a PUBLISH, so the match is a heuristic:
// the same topic and payload (length and hash), a QoS no higher than the
// one sent (the echo comes at min(sent, granted)), within a window after the
// message was (re)sent, first in first out per topic, and at most as many
// echoes per message as subscriptions that match its topic (overlapping
// subscriptions may deliver it several times, all within CopyWindow of
// the first). A message from another
// client with the same text on the same topic is taken for an echo only
// while one of ours is still waiting for its echo in that window.
package echo

import (
	"hash/maphash"
	"time"
)

// Window is how long after a message was handed to the broker its echo is
// expected.
const Window = 30 * time.Second

// CopyWindow is how soon after the first echo the copies of overlapping
// subscriptions come: the broker routes them at the same moment. A copy
// later than this is another client's message.
const CopyWindow = time.Second

var seed = maphash.MakeSeed()

// Hash is the payload's hash as the matcher compares it.
func Hash(payload []byte) uint64 { return maphash.Bytes(seed, payload) }

// Message is what the matcher compares of a message.
type Message struct {
	Topic string
	Hash  uint64 // Hash(payload)
	Size  int    // len(payload)
	QoS   byte
}

type waiting[K comparable] struct {
	key    K
	msg    Message
	at     time.Time // when it was last handed to the broker
	echoes int
	first  time.Time // when the first echo came
}

// Matcher pairs received messages with sent ones. K identifies a sent
// message (an outbox id, a row). Not safe for concurrent use.
type Matcher[K comparable] struct {
	byTopic map[string][]*waiting[K]
	byKey   map[K]*waiting[K]
}

// New returns an empty matcher.
func New[K comparable]() *Matcher[K] {
	return &Matcher[K]{byTopic: map[string][]*waiting[K]{}, byKey: map[K]*waiting[K]{}}
}

// Sent records that the message key was handed to the broker at t (again,
// after a reconnect: the window starts anew).
func (m *Matcher[K]) Sent(key K, msg Message, t time.Time) {
	if w, ok := m.byKey[key]; ok {
		w.at = t
		return
	}
	w := &waiting[K]{key: key, msg: msg, at: t}
	m.byKey[key] = w
	m.byTopic[msg.Topic] = append(m.byTopic[msg.Topic], w)
}

// Forget drops a sent message (it failed, or its row is gone).
func (m *Matcher[K]) Forget(key K) {
	w, ok := m.byKey[key]
	if !ok {
		return
	}
	delete(m.byKey, key)
	list := m.byTopic[w.msg.Topic]
	for i, x := range list {
		if x == w {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(m.byTopic, w.msg.Topic)
	} else {
		m.byTopic[w.msg.Topic] = list
	}
}

// Received reports whether a message received at t is the echo of one we
// sent, and which; expected is how many copies of one message the broker
// may route back (the subscriptions matching the topic, at least 1). A
// message not yet echoed is preferred over one echoed already, oldest first.
func (m *Matcher[K]) Received(msg Message, t time.Time, expected int) (K, bool) {
	var zero K
	list := m.byTopic[msg.Topic]
	if len(list) == 0 {
		return zero, false
	}
	expected = max(expected, 1)
	var best *waiting[K]
	for _, w := range list {
		if w.msg.Hash != msg.Hash || w.msg.Size != msg.Size || msg.QoS > w.msg.QoS || w.echoes >= expected {
			continue
		}
		if d := t.Sub(w.at); d > Window || d < -time.Second {
			continue
		}
		if w.echoes > 0 && t.Sub(w.first) > CopyWindow {
			continue
		}
		if best == nil || (best.echoes > 0 && w.echoes == 0) {
			best = w
		}
		if best.echoes == 0 {
			break
		}
	}
	if best == nil {
		return zero, false
	}
	if best.echoes == 0 {
		best.first = t
	}
	best.echoes++
	return best.key, true
}

// Prune forgets messages whose window ended before now, so the matcher
// stays as small as what was sent in the last Window.
func (m *Matcher[K]) Prune(now time.Time) {
	for key, w := range m.byKey {
		if now.Sub(w.at) > Window {
			m.Forget(key)
		}
	}
}

// Len is how many sent messages are remembered.
func (m *Matcher[K]) Len() int { return len(m.byKey) }
