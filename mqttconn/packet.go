package mqttconn

import (
	"fmt"
	"time"
)

// MQTT control packet types (the high four bits of a packet's first byte).
const (
	TypeConnect     byte = 1
	TypeConnack     byte = 2
	TypePublish     byte = 3
	TypePuback      byte = 4
	TypePubrec      byte = 5
	TypePubrel      byte = 6
	TypePubcomp     byte = 7
	TypeSubscribe   byte = 8
	TypeSuback      byte = 9
	TypeUnsubscribe byte = 10
	TypeUnsuback    byte = 11
	TypePingreq     byte = 12
	TypePingresp    byte = 13
	TypeDisconnect  byte = 14
	// TypeAuth (15, MQTT 5) is in packetprops.go.
)

var typeNames = [...]string{"", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
	"SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH"}

// Packet is one MQTT control packet as seen on the wire, either way: its
// fixed header and the few fields that identify it, never its payload. It
// is what a packets view shows (Config.OnPacket).
type Packet struct {
	Time           time.Time
	Out            bool   // we sent it
	Type           byte   // TypeConnect … TypeAuth
	Flags          byte   // the low four bits of the first byte (PUBLISH: DUP, QoS, RETAIN)
	Length         int    // the remaining length: bytes after the fixed header
	ID             uint16 // the packet identifier, for the types that carry one
	Code           byte   // CONNACK: return code; SUBACK: the first return code; MQTT 5: the reason code of acks and DISCONNECT
	SessionPresent bool   // CONNACK
	Dropped        bool   // an inbound PUBLISH over Config.MaxIncoming: not handed on, acknowledged
	Duplicate      bool   // an inbound QoS 2 PUBLISH whose id we still hold: the same message again, not handed on

	// The decoded fields, filled only when an observer wants them
	// (Config.OnPacket set): see decodeFieldsCached. A payload is never copied
	// beyond Preview, and a password never at all.

	Topic      string              // PUBLISH: the topic (cut when Cut)
	PayloadLen int                 // PUBLISH: the payload's length in bytes
	Preview    [PreviewSize]byte   // PUBLISH: the payload's first bytes, raw (sanitize to show)
	PreviewLen uint8               // how many bytes of Preview are set
	Connect    *ConnectFields      // CONNECT
	Subs       *SubscriptionFields // SUBSCRIBE, SUBACK, UNSUBSCRIBE (and on MQTT 5 UNSUBACK: its reason codes)
	V5         bool                // decoded as MQTT 5: the connection's CONNECT said level 5
	Props      []Prop              // MQTT 5: the properties, bounded (MaxProps, MaxPropBytes); never authentication data
	Cut        bool                // the fields were longer than what is kept (fieldCap): what is shown is their start
	Malformed  bool                // the fields did not parse as MQTT 3.1.1 (or 5, when V5) says
}

// PreviewSize is how many bytes of a PUBLISH's payload a Packet keeps.
const PreviewSize = 24

// PreviewBytes is the payload's first bytes as kept (PreviewLen of them).
func (p *Packet) PreviewBytes() []byte { return p.Preview[:p.PreviewLen] }

// ConnectFields are a CONNECT's fields. The password is never kept: only
// whether there was one.
type ConnectFields struct {
	Protocol     string // "MQTT" (3.1.1) or "MQIsdp" (3.1)
	Level        byte   // 4 for 3.1.1, 3 for 3.1, 5 for MQTT 5
	CleanSession bool
	KeepAlive    uint16 // seconds
	ClientID     string
	Will         bool
	WillTopic    string
	WillQoS      byte
	WillRetain   bool
	Username     bool // a user name was sent (not kept)
	Password     bool // a password was sent (never kept)
}

// SubscriptionFields are the filters of a SUBSCRIBE (with the QoS asked
// for) or an UNSUBSCRIBE, or the return codes of a SUBACK.
type SubscriptionFields struct {
	Filters []Subscription
	Codes   []byte // SUBACK: granted QoS 0–2, or 0x80 for a refusal
}

// QoS of a PUBLISH.
func (p Packet) QoS() byte { return p.Flags >> 1 & 3 }

// Dup is a PUBLISH's DUP flag.
func (p Packet) Dup() bool { return p.Flags&8 != 0 }

// Retain is a PUBLISH's RETAIN flag.
func (p Packet) Retain() bool { return p.Flags&1 != 0 }

// TypeName is the packet type's name in the specification, e.g. "PUBREC".
func (p Packet) TypeName() string {
	if int(p.Type) < len(typeNames) && p.Type > 0 {
		return typeNames[p.Type]
	}
	return fmt.Sprintf("type %d", p.Type)
}

// hasID says whether packets of type t (with PUBLISH flags f) carry a packet identifier.
func hasID(t, flags byte) bool {
	switch t {
	case TypePublish:
		return flags>>1&3 > 0
	case TypePuback, TypePubrec, TypePubrel, TypePubcomp, TypeSubscribe, TypeSuback, TypeUnsubscribe, TypeUnsuback:
		return true
	}
	return false
}

// maxRemaining is the largest remaining length MQTT can encode.
const maxRemaining = 268435455

// decoder follows a stream of MQTT packets fed in pieces of any size, and
// reports each packet when its last byte has passed. It copies nothing but
// the fixed header and the two bytes of a topic's length.
type decoder struct {
	out  bool
	emit func(Packet)

	// fields: collect the start of each body (buf, at most need bytes) and
	// decode its fields when the packet ends; off, only the fixed header and
	// identifying bytes are read (the cheap path).
	fields  bool
	buf     []byte
	need    int
	growing bool // a PUBLISH's need may still grow (publishNeed)
	topics  topicCache

	// level is the connection's protocol level, learnt from the CONNECT
	// going out and shared with the decoder of the other direction; lv is
	// its value when the current packet began.
	level *protoLevel
	lv    byte

	hdr  [5]byte
	nh   int // fixed header bytes collected
	cur  Packet
	rem  int // body bytes still to come
	pos  int // offset in the body
	tlen int // PUBLISH topic length
}

// start begins a packet whose fixed header is known.
func (d *decoder) start(b0 byte, length int) {
	d.cur = Packet{Out: d.out, Type: b0 >> 4, Flags: b0 & 0x0f, Length: length}
	d.rem, d.pos, d.tlen = length, 0, 0
	if d.fields {
		d.buf = d.buf[:0]
		d.need = min(length, fieldCap)
		d.growing = false
		if d.level == nil {
			d.level = &protoLevel{}
		}
		d.lv = d.level.get()
		if d.cur.Type == TypePublish {
			d.need = min(length, 2) // until the topic's length is known
			d.growing = true
		}
	}
	if length == 0 {
		d.finish()
	}
}

func (d *decoder) finish() {
	d.cur.Time = time.Now()
	if d.fields {
		lv := d.lv
		if d.cur.Type == TypeConnect {
			lv = connectLevel(d.buf)
		}
		if lv == 5 {
			decodeFields5(&d.cur, d.buf, &d.topics)
		} else {
			decodeFieldsCached(&d.cur, d.buf, &d.topics)
		}
		if d.cur.Type == TypeConnect {
			if d.out && d.cur.Connect != nil && !d.cur.Malformed {
				d.level.set(d.cur.Connect.Level)
			}
			clear(d.buf) // it held the password
		} else if lv == 5 && (d.cur.Type == TypeAuth || d.cur.Type == TypeConnack) {
			clear(d.buf) // it may have held authentication data
		}
	}
	if d.emit != nil {
		d.emit(d.cur)
	}
	d.rem = 0
}

// body consumes body bytes of the current packet (at most rem of them).
func (d *decoder) body(b []byte) {
	for len(b) > 0 && d.rem > 0 {
		n := min(len(b), d.rem)
		d.scan(b[:n])
		d.keep(b[:n])
		d.pos += n
		d.rem -= n
		b = b[n:]
		if d.rem == 0 {
			d.finish()
		}
	}
}

// scan reads the identifying fields out of body bytes at offset d.pos.
func (d *decoder) scan(b []byte) {
	at := func(off int) (byte, bool) {
		if i := off - d.pos; i >= 0 && i < len(b) {
			return b[i], true
		}
		return 0, false
	}
	setHi := func(off int, v *int) {
		if c, ok := at(off); ok {
			*v = *v&0xff | int(c)<<8
		}
	}
	setLo := func(off int, v *int) {
		if c, ok := at(off); ok {
			*v = *v&^0xff | int(c)
		}
	}
	id := int(d.cur.ID)
	switch t := d.cur.Type; {
	case t == TypeConnack:
		if c, ok := at(0); ok {
			d.cur.SessionPresent = c&1 != 0
		}
		if c, ok := at(1); ok {
			d.cur.Code = c
		}
	case t == TypePublish:
		setHi(0, &d.tlen)
		setLo(1, &d.tlen)
		if d.pos+len(b) > 2 && hasID(t, d.cur.Flags) { // topic length known
			setHi(2+d.tlen, &id)
			setLo(3+d.tlen, &id)
		}
	case hasID(t, 0):
		setHi(0, &id)
		setLo(1, &id)
		if t == TypeSuback {
			if c, ok := at(2); ok {
				d.cur.Code = c
			}
		}
	}
	d.cur.ID = uint16(id)
}

// feed consumes a piece of the stream: fixed headers and bodies alike.
func (d *decoder) feed(b []byte) {
	for len(b) > 0 {
		if d.rem > 0 {
			n := min(len(b), d.rem)
			d.body(b[:n])
			b = b[n:]
			continue
		}
		d.hdr[d.nh] = b[0]
		d.nh++
		b = b[1:]
		if d.nh == 1 {
			continue
		}
		if d.hdr[d.nh-1]&0x80 != 0 && d.nh < 5 {
			continue
		}
		length, mult := 0, 1
		for _, c := range d.hdr[1:d.nh] {
			length += int(c&0x7f) * mult
			mult *= 128
		}
		d.nh = 0
		d.start(d.hdr[0], length)
	}
}

// appendHeader appends a fixed header.
func appendHeader(b []byte, b0 byte, length int) []byte {
	b = append(b, b0)
	for {
		d := byte(length % 128)
		length /= 128
		if length > 0 {
			d |= 0x80
		}
		b = append(b, d)
		if length == 0 {
			return b
		}
	}
}

// smallPayload is the largest payload copied to go out with its header in
// one write; a larger one is written from where it lies.
const smallPayload = 16 << 10

// publishPacket is a PUBLISH in one piece or, for a large payload, two: the
// headers and the payload, so that the payload is written without a copy.
func publishPacket(m Message, pid uint16, dup bool) [][]byte {
	return encodePublish(m, pid, dup, false, nil)
}

// encodePublish writes a PUBLISH; v5 adds the property block props (MQTT 5
// §3.3.2.3: its length, then the properties, after the packet id). A small
// payload goes in the same slice, so one write sends the message.
func encodePublish(m Message, pid uint16, dup, v5 bool, props []byte) [][]byte {
	b0 := TypePublish<<4 | m.QoS<<1
	if dup && m.QoS > 0 {
		b0 |= 8
	}
	if m.Retained {
		b0 |= 1
	}
	vh := 2 + len(m.Topic)
	if v5 {
		vh += len(appendVarint(nil, len(props))) + len(props)
	}
	if m.QoS > 0 {
		vh += 2
	}
	small := len(m.Payload) <= smallPayload
	size := 5 + vh
	if small {
		size += len(m.Payload)
	}
	h := appendHeader(make([]byte, 0, size), b0, vh+len(m.Payload))
	h = append(h, byte(len(m.Topic)>>8), byte(len(m.Topic)))
	h = append(h, m.Topic...)
	if m.QoS > 0 {
		h = append(h, byte(pid>>8), byte(pid))
	}
	if v5 {
		h = appendVarint(h, len(props))
		h = append(h, props...)
	}
	if small { // one write for a small message
		return [][]byte{append(h, m.Payload...)}
	}
	return [][]byte{h, m.Payload}
}

// ackPacket is a packet that is only a packet id: PUBACK, PUBREC, PUBREL, PUBCOMP.
func ackPacket(typ byte, pid uint16) []byte {
	b0 := typ << 4
	if typ == TypePubrel {
		b0 |= 2 // reserved flags of PUBREL
	}
	return []byte{b0, 2, byte(pid >> 8), byte(pid)}
}

// subscribePacket asks for one filter.
func subscribePacket(pid uint16, filter string, qos byte) []byte {
	b := appendHeader(nil, TypeSubscribe<<4|2, 2+2+len(filter)+1)
	b = append(b, byte(pid>>8), byte(pid), byte(len(filter)>>8), byte(len(filter)))
	b = append(b, filter...)
	return append(b, qos)
}

// unsubscribePacket drops one filter.
func unsubscribePacket(pid uint16, filter string) []byte {
	b := appendHeader(nil, TypeUnsubscribe<<4|2, 2+2+len(filter))
	b = append(b, byte(pid>>8), byte(pid), byte(len(filter)>>8), byte(len(filter)))
	return append(b, filter...)
}
