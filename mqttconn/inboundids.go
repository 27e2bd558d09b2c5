package mqttconn

import "sync/atomic"

// inboundIDs are the packet ids of the QoS 1/2 messages the broker sent us
// and we have not finished acknowledging (PUBACK, or PUBCOMP for QoS 2). MQTT
// gives each side its own packet ids, but some brokers do not: mochi, the
// built-in broker, refuses a SUBSCRIBE or UNSUBSCRIBE whose id is one of its
// own in flight to us (0x91 over MQTT 5, 0x80 over 3.1.1) and, worse, takes
// a PUBLISH of ours with such an id as the answer to its own. So our ids
// avoid these. The set is a bitmap written by the connection's reader and
// writer without a lock; the allocator reads it under Client.mu.
type inboundIDs [65536 / 64]atomic.Uint64

func (s *inboundIDs) add(id uint16) { s[id/64].Or(1 << (id % 64)) }

func (s *inboundIDs) remove(id uint16) { s[id/64].And(^(1 << (id % 64))) }

func (s *inboundIDs) has(id uint16) bool { return s[id/64].Load()&(1<<(id%64)) != 0 }

// clear forgets them all: the broker kept no session, and will send
// nothing again.
func (s *inboundIDs) clear() {
	for i := range s {
		s[i].Store(0)
	}
}

// follow notes what a packet on the wire does to the set: an inbound QoS
// 1/2 PUBLISH takes its id, our PUBACK or PUBCOMP gives it back.
func (s *inboundIDs) follow(p Packet) {
	switch {
	case !p.Out && p.Type == TypePublish && p.Flags>>1&3 != 0:
		s.add(p.ID)
	case p.Out && (p.Type == TypePuback || p.Type == TypePubcomp):
		s.remove(p.ID)
	}
}
