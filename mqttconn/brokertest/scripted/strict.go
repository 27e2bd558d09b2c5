package scripted

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Strict is a broker session that checks a publishing client the way
// Eclipse's conformance broker does (MQTT 3.1.1 §4.3.3, §4.4,
// MQTT-3.3.1-2): a QoS 2 PUBLISH whose packet id is still held (PUBREC sent,
// PUBREL not yet come) must be the same message again with DUP set, and it
// is delivered once, at PUBREL. Like mosquitto, it takes at most Quota QoS 2
// messages in flight and drops the excess silently while answering PUBREC
// as usual (a 3.1.1 PUBREC carries no reason code). The session survives
// reconnects when the client asks for it (clean session 0).
type Strict struct {
	Quota int // QoS 2 messages held at once; 0 means 20
	// Cut, when set, is asked before each packet the broker writes to a
	// publisher (its type, the connection number and how many PUBLISH
	// packets it read in all); true closes the connection instead.
	Cut func(t byte, conn, publishes int) bool

	mu        sync.Mutex
	held      map[uint16][]byte // QoS 2 ids awaiting PUBREL → payload (nil: dropped over quota)
	session   bool
	delivered map[string]int
	publishes int
	errs      []error
}

// Script runs one connection; use it as the script of Start.
func (s *Strict) Script(c *Conn) error {
	p, err := c.Expect(Connect, Wait)
	if err != nil {
		return err
	}
	clean, err := cleanSession(p.Body)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.held == nil || clean {
		s.held = map[uint16][]byte{}
	}
	if s.delivered == nil {
		s.delivered = map[string]int{}
	}
	present := s.session && !clean
	s.session = !clean
	s.mu.Unlock()
	if err := c.Connack(present, 0); err != nil {
		return nil
	}
	for {
		p, err := c.Read(10 * time.Second)
		if err != nil {
			return nil // the client went, or we cut
		}
		reply, id, ok := s.handle(p, c.N)
		if !ok {
			continue
		}
		s.mu.Lock()
		cut := s.Cut != nil && s.Cut(reply, c.N, s.publishes)
		s.mu.Unlock()
		if cut {
			return nil
		}
		if reply == Suback {
			c.Write(Suback, 0, []byte{byte(id >> 8), byte(id), 1})
			continue
		}
		if reply == Pingresp {
			c.Write(Pingresp, 0, nil)
			continue
		}
		c.Ack(reply, id)
	}
}

// handle updates the session for one packet and says what to answer.
func (s *Strict) handle(p Packet, conn int) (reply byte, id uint16, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	quota := s.Quota
	if quota == 0 {
		quota = 20
	}
	switch p.Type {
	case Publish:
		s.publishes++
		_, id, payload := p.Publish()
		switch p.QoS() {
		case 0:
			s.delivered[string(payload)]++
			return 0, 0, false
		case 1:
			s.delivered[string(payload)]++
			return Puback, id, true
		}
		if held, ok := s.held[id]; ok {
			if !p.Dup() {
				s.errs = append(s.errs, fmt.Errorf("connection %d: [MQTT-3.3.1-2] duplicate QoS 2 message id %d found with DUP 0", conn, id))
			} else if held != nil && string(held) != string(payload) {
				s.errs = append(s.errs, fmt.Errorf("connection %d: QoS 2 id %d re-sent with another payload", conn, id))
			}
			return Pubrec, id, true
		}
		if s.count() >= quota {
			s.held[id] = nil // dropped: quota exceeded, and nothing tells the client
		} else {
			s.held[id] = append([]byte{}, payload...)
		}
		return Pubrec, id, true
	case Pubrel:
		id := p.ID()
		if payload, ok := s.held[id]; ok {
			if payload != nil {
				s.delivered[string(payload)]++
			}
			delete(s.held, id)
		}
		return Pubcomp, id, true
	case Subscribe:
		return Suback, p.ID(), true
	case Pingreq:
		return Pingresp, 0, true
	}
	return 0, 0, false
}

// count is the number of QoS 2 messages held, not counting dropped ones.
func (s *Strict) count() int {
	n := 0
	for _, p := range s.held {
		if p != nil {
			n++
		}
	}
	return n
}

// Delivered is how often each payload was delivered.
func (s *Strict) Delivered() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.delivered))
	for k, v := range s.delivered {
		out[k] = v
	}
	return out
}

// Held is the number of QoS 2 ids the session holds (awaiting PUBREL).
func (s *Strict) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.held)
}

// Errors are the violations seen.
func (s *Strict) Errors() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.errs...)
}

// cleanSession reads the clean-session flag of a CONNECT body.
func cleanSession(body []byte) (bool, error) {
	if len(body) < 2 {
		return false, errors.New("short CONNECT")
	}
	n := int(body[0])<<8 | int(body[1])
	if len(body) < 2+n+2 {
		return false, errors.New("short CONNECT")
	}
	flags := body[2+n+1]
	return flags&2 != 0, nil
}
