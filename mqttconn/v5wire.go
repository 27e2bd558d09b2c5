package mqttconn

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/eclipse/paho.golang/packets"
	paho5 "github.com/eclipse/paho.golang/paho"
)

// wire5 is the wireConn as paho.golang sees it: paho.golang writes a
// packet in several Writes and holds the connection's Locker meanwhile
// (packets.ControlPacket.WriteTo), so Lock takes the wire's write lock and
// Write expects it held. Our pump's writeParts takes the same lock.
type wire5 struct {
	*wireConn
}

// Read hands paho.golang nothing after the CONNACK until its Connect has
// returned (see afterConnect).
func (w wire5) Read(p []byte) (int, error) {
	w.afterConnect()
	return w.wireConn.Read(p)
}

// afterConnect waits, once a CONNACK was read, until paho.golang's Connect
// has returned: what comes next (a packet it cannot read, a read error, a
// DISCONNECT from a broker right after its CONNACK: a take-over, a server
// moved) may end the connection, and must reach paho.golang only then.
// v0.23.0 starts reading before it has added all its workers to a
// WaitGroup and before Connect is done with its fields (the acks tracker),
// and its shutdown races with both (seen with -race in the take-over,
// server-reference and malformed-packet tests over MQTT 5). It runs on the
// reader's goroutine only.
func (w *wireConn) afterConnect() {
	if w.connectReturned == nil || w.connected5 || w.connackPacket() == nil {
		return
	}
	<-w.connectReturned
	w.connected5 = true
}

func (w wire5) Lock()   { w.wmu.Lock() }
func (w wire5) Unlock() { w.wmu.Unlock() }

func (w wire5) Write(p []byte) (int, error) {
	if w.willProps != nil {
		// paho.golang writes CONNECT as its fixed header, then its body:
		// the header waits for the body, whose Will properties are
		// replaced (see Config.willPropsBytes).
		if w.heldHeader == nil && len(p) > 0 && p[0]>>4 == TypeConnect {
			w.heldHeader = append([]byte(nil), p...)
			return len(p), nil
		}
		if w.heldHeader != nil {
			body := fixWill(p, w.willProps)
			w.willProps, w.heldHeader = nil, nil
			if _, err := w.write5(append(appendHeader(nil, TypeConnect<<4, len(body)), body...)); err != nil {
				return 0, err
			}
			return len(p), nil
		}
	}
	return w.write5(p)
}

func (w wire5) write5(p []byte) (int, error) {
	if w.faulted() {
		return 0, w.Err()
	}
	w.out.feed(p)
	n, err := w.Conn.Write(p)
	if err != nil {
		w.fail(err)
	}
	return n, err
}

// maxAck5 bounds an MQTT 5 ack or DISCONNECT we read whole: reason
// strings and user properties fit easily.
const maxAck5 = 1 << 20

// read5 handles, on an MQTT 5 connection, the inbound packets the wire
// reads itself: the acks of what the pump sent (handed to onAck5, never to
// paho.golang) and DISCONNECT (whose reason becomes the connection's end,
// before paho.golang closes it; the packet still goes on to paho.golang).
// It reports whether it took the packet.
func (w *wireConn) read5(b0 byte, length int, hdr []byte) (bool, error) {
	t := b0 >> 4
	if !isOurAck(t) && t != TypeDisconnect {
		return false, nil
	}
	if length > maxAck5 {
		return false, fmt.Errorf("malformed %s: %d bytes", Packet{Type: t}.TypeName(), length)
	}
	raw, err := w.readWhole(hdr, length)
	if err != nil {
		return false, err
	}
	cp, err := packets.ReadPacket(bytes.NewReader(raw))
	if err != nil {
		return false, fmt.Errorf("malformed %s: %w", Packet{Type: t}.TypeName(), err)
	}
	reason := func(p *packets.Properties) string {
		if p == nil {
			return ""
		}
		return p.ReasonString
	}
	first := func(codes []byte) byte {
		if len(codes) == 0 {
			return 0x80
		}
		return codes[0] // one filter per SUBSCRIBE and UNSUBSCRIBE
	}
	var (
		id     uint16
		code   byte
		why    string
		server string // DISCONNECT's Server Reference
	)
	switch p := cp.Content.(type) {
	case *packets.Disconnect:
		code, why = p.ReasonCode, reason(p.Properties)
		if p.Properties != nil {
			server = p.Properties.ServerReference
		}
	case *packets.Puback:
		id, code, why = p.PacketID, p.ReasonCode, reason(p.Properties)
	case *packets.Pubrec:
		id, code, why = p.PacketID, p.ReasonCode, reason(p.Properties)
	case *packets.Pubcomp:
		id, code, why = p.PacketID, p.ReasonCode, reason(p.Properties)
	case *packets.Suback:
		id, code, why = p.PacketID, first(p.Reasons), reason(p.Properties)
	case *packets.Unsuback:
		id, code, why = p.PacketID, first(p.Reasons), reason(p.Properties)
	}
	// The packets view sees it with its id, reason code and properties.
	w.in.start(b0, length)
	if length > 0 {
		w.in.keep(raw[len(hdr):])
		w.in.cur.ID, w.in.cur.Code = id, code
		w.in.finish()
	}
	if t == TypeDisconnect {
		w.fail(&ReasonCodeError{Packet: "DISCONNECT", Code: code, Reason: why, ServerReference: server})
		w.pend = raw // paho.golang reads it too, and closes
		return true, nil
	}
	w.onAck5(t, id, code, why)
	return true, nil
}

// fromPaho5 turns paho.golang's properties of a PUBLISH into ours; nil
// when there are none.
func fromPaho5(p *paho5.PublishProperties) *Properties {
	if p == nil {
		return nil
	}
	out := &Properties{ContentType: p.ContentType, ResponseTopic: p.ResponseTopic, CorrelationData: p.CorrelationData}
	if p.PayloadFormat != nil {
		out.PayloadFormat = *p.PayloadFormat
	}
	if p.MessageExpiry != nil {
		out.MessageExpiry = time.Duration(*p.MessageExpiry) * time.Second
	}
	if p.SubscriptionIdentifier != nil {
		out.SubscriptionIDs = []int{*p.SubscriptionIdentifier}
	}
	for _, u := range p.User {
		out.User = append(out.User, UserProperty{Key: u.Key, Value: u.Value})
	}
	if out.PayloadFormat == 0 && out.ContentType == "" && out.ResponseTopic == "" && out.CorrelationData == nil &&
		out.MessageExpiry == 0 && out.SubscriptionIDs == nil && out.User == nil {
		return nil
	}
	return out
}

// toPackets are a message's properties on the wire, with the sender's
// name first when there is one and the message does not carry one already.
func toPackets(p *Properties, name string) *packets.Properties {
	pp := &packets.Properties{}
	if name != "" {
		if _, ok := p.Get(NameProperty); !ok {
			pp.User = append(pp.User, packets.User{Key: NameProperty, Value: name})
		}
	}
	if p == nil {
		return pp
	}
	if p.PayloadFormat != 0 {
		f := p.PayloadFormat
		pp.PayloadFormat = &f
	}
	if s := p.MessageExpiry / time.Second; s > 0 {
		e := uint32(min(s, 0xFFFFFFFF))
		pp.MessageExpiry = &e
	}
	pp.ContentType, pp.ResponseTopic, pp.CorrelationData = p.ContentType, p.ResponseTopic, p.CorrelationData
	for _, u := range p.User {
		pp.User = append(pp.User, packets.User{Key: u.Key, Value: u.Value})
	}
	return pp
}

// appendVarint appends MQTT's variable byte integer.
func appendVarint(b []byte, n int) []byte {
	for {
		d := byte(n % 128)
		n /= 128
		if n > 0 {
			d |= 0x80
		}
		b = append(b, d)
		if n == 0 {
			return b
		}
	}
}

// publishPacket5 is an MQTT 5 PUBLISH with the message's properties (and
// the sender's name), in one piece or, for a large payload, two.
func publishPacket5(m Message, pid uint16, dup bool, name string) [][]byte {
	return encodePublish(m, pid, dup, true, toPackets(m.Properties, name).Pack(packets.PUBLISH))
}

// subscribePacket5 asks for one filter with its MQTT 5 subscription
// options: the QoS, No Local, Retain As Published and Retain Handling.
func subscribePacket5(pid uint16, s Subscription) []byte {
	filter := s.Filter
	b := appendHeader(nil, TypeSubscribe<<4|2, 2+1+2+len(filter)+1)
	b = append(b, byte(pid>>8), byte(pid), 0, byte(len(filter)>>8), byte(len(filter)))
	b = append(b, filter...)
	return append(b, s.optionsByte())
}

// unsubscribePacket5 drops one filter.
func unsubscribePacket5(pid uint16, filter string) []byte {
	b := appendHeader(nil, TypeUnsubscribe<<4|2, 2+1+2+len(filter))
	b = append(b, byte(pid>>8), byte(pid), 0, byte(len(filter)>>8), byte(len(filter)))
	return append(b, filter...)
}

// The encoders of the protocol in use.
func (c *Client) publishPacket(m Message, pid uint16, dup bool) [][]byte {
	if c.v5 != nil {
		return publishPacket5(m, pid, dup, c.cfg.Name)
	}
	return publishPacket(m, pid, dup)
}

func (c *Client) subscribePacket(pid uint16, s Subscription) []byte {
	if c.v5 != nil {
		return withProps5(subscribePacket5(pid, s), c.cfg.subscribeProps5(), packets.SUBSCRIBE)
	}
	return subscribePacket(pid, s.Filter, s.QoS)
}

func (c *Client) unsubscribePacket(pid uint16, filter string) []byte {
	if c.v5 != nil {
		return withProps5(unsubscribePacket5(pid, filter), c.cfg.unsubscribeProps5(), packets.UNSUBSCRIBE)
	}
	return unsubscribePacket(pid, filter)
}

// skipProps5 reads past the property list of an MQTT 5 PUBLISH that is
// not kept (too large), of the rest bytes left in the packet, and returns
// what is left after it: the payload.
func (w *wireConn) skipProps5(rest int) (int, error) {
	n, size := 0, 0
	for shift := 0; ; shift += 7 {
		if size == 4 || size >= rest {
			return 0, errors.New("malformed PUBLISH: bad property length")
		}
		b, err := w.r.ReadByte()
		if err != nil {
			return 0, err
		}
		size++
		n |= int(b&0x7f) << shift
		if b&0x80 == 0 {
			break
		}
	}
	if n > rest-size {
		return 0, fmt.Errorf("malformed PUBLISH: properties of %d bytes in %d", n, rest-size)
	}
	if _, err := w.r.Discard(n); err != nil {
		return 0, err
	}
	return rest - size - n, nil
}

// readQoS05 reads an inbound MQTT 5 QoS 0 PUBLISH whole (within the cap),
// lets the decoder see it, parses it as paho.golang would and hands it to
// onQoS05: paho.golang's reader and router goroutines never see it.
func (w *wireConn) readQoS05(b0 byte, length int, hdr []byte) error {
	raw, err := w.readWhole(hdr, length)
	if err != nil {
		return err
	}
	w.in.start(b0, length)
	w.in.body(raw[len(hdr):])
	cp, err := packets.ReadPacket(bytes.NewReader(raw))
	pub, ok := (*packets.Publish)(nil), false // paho.golang's parser, as its reader would
	if err == nil {
		pub, ok = cp.Content.(*packets.Publish)
	}
	what, _ := publishShape(b0, raw[len(hdr):], length, true) // what paho.golang's parser lets pass
	if what == "" && !ok {
		what = fmt.Sprint("its properties: ", err)
	}
	if what != "" {
		return w.malformedFault(what)
	}
	w.onQoS05(pub)
	return nil
}

// readWhole reads the body of the packet whose fixed header is hdr, and
// returns the packet whole (header and body), as paho.golang's parser
// takes it.
func (w *wireConn) readWhole(hdr []byte, length int) ([]byte, error) {
	raw := make([]byte, len(hdr)+length)
	copy(raw, hdr)
	if _, err := io.ReadFull(w.r, raw[len(hdr):]); err != nil {
		return nil, err
	}
	return raw, nil
}
