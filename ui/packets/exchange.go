package packets

import "mqttchat/mqttconn"

// exchange is what links packets of one handshake: its kind, the direction
// of the packet that opened it, and its packet id (0 for PINGREQ and
// CONNECT, which have none and are answered in order).
type exchange struct {
	kind byte // the opening packet's type: PUBLISH, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, CONNECT
	out  bool // the opening packet was sent by us
	id   uint16
}

// exchangeOf is p's exchange, and whether p opens it and closes it; ok is
// false for packets that belong to none (QoS 0 PUBLISH, DISCONNECT).
func exchangeOf(p mqttconn.Packet) (x exchange, opens, closes, ok bool) {
	switch p.Type {
	case mqttconn.TypePublish:
		if p.QoS() == 0 || p.QoS() == 3 {
			return x, false, false, false
		}
		return exchange{mqttconn.TypePublish, p.Out, p.ID}, true, false, true
	case mqttconn.TypePuback, mqttconn.TypePubcomp:
		return exchange{mqttconn.TypePublish, !p.Out, p.ID}, false, true, true
	case mqttconn.TypePubrec:
		return exchange{mqttconn.TypePublish, !p.Out, p.ID}, false, false, true
	case mqttconn.TypePubrel:
		return exchange{mqttconn.TypePublish, p.Out, p.ID}, false, false, true
	case mqttconn.TypeSubscribe, mqttconn.TypeUnsubscribe:
		return exchange{p.Type, p.Out, p.ID}, true, false, true
	case mqttconn.TypeSuback, mqttconn.TypeUnsuback:
		return exchange{p.Type - 1, !p.Out, p.ID}, false, true, true
	case mqttconn.TypePingreq, mqttconn.TypeConnect:
		return exchange{p.Type, p.Out, 0}, true, false, true
	case mqttconn.TypePingresp, mqttconn.TypeConnack:
		return exchange{p.Type - 1, !p.Out, 0}, false, true, true
	}
	return x, false, false, false
}

// maxLinkScan bounds how far from the selected packet the others of its
// exchange are looked for, each way.
const maxLinkScan = 5000

// link finds the packets of the exchange of the packet at seq: their
// sequence numbers in order (the selected one among them), or nil.
func (m *Model) link(seq uint64) []uint64 {
	p, ok := m.at(seq)
	if !ok {
		return nil
	}
	x, opens, _, ok := exchangeOf(p.p)
	if !ok {
		return nil
	}
	start := seq
	if !opens || p.p.Dup() { // back to the packet that opened it
		found := false
		for s, n := seq, 0; s > m.first && n < maxLinkScan; n++ {
			s--
			q, _ := m.at(s)
			if y, o, c, ok := exchangeOf(q.p); ok && y == x {
				if o && !q.p.Dup() {
					start, found = s, true
					break
				}
				if c {
					break // an earlier exchange with the same id ended here
				}
			}
		}
		if !found {
			start = seq // its opening was let go: link what follows
		}
	}
	out := []uint64{start}
	for s, n := start+1, 0; s < m.next && n < maxLinkScan; s, n = s+1, n+1 {
		q, _ := m.at(s)
		y, o, c, ok := exchangeOf(q.p)
		if !ok || y != x {
			continue
		}
		if o && !q.p.Dup() {
			break // the same id opens a new exchange
		}
		out = append(out, s)
		if c {
			break
		}
	}
	return out
}
