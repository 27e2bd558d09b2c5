package mqttconn

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"sync/atomic"
	"unicode/utf8"
)

// TypeAuth is MQTT 5's AUTH packet (type 15): extended authentication.
const TypeAuth byte = 15

// Prop is one MQTT 5 property of a packet, ready to show (sanitize the
// strings first: they are the broker's or the client's bytes). The value
// of Authentication Data is never kept: only its length.
type Prop struct {
	ID    byte   // the property identifier, e.g. 0x1F; 0 for the "…" marker
	Name  string // its name in the specification, e.g. "Reason String"
	Value string // e.g. "60 s", "key=value", "12 bytes"
}

// Bounds of Packet.Props: what lies beyond is left out, and a last Prop
// named PropsCut says so.
const (
	MaxProps     = 16  // entries, the marker included
	MaxPropBytes = 512 // bytes of names and values together
	PropsCut     = "…"
)

// propKind is how a property's value is encoded.
type propKind byte

const (
	kByte propKind = iota
	kU16
	kU32
	kVarint
	kString
	kBinary
	kPair
)

type propSpec struct {
	name string
	kind propKind
}

// propSpecs are MQTT 5's properties (§2.2.2.2), by identifier.
var propSpecs = map[byte]propSpec{
	0x01: {"Payload Format Indicator", kByte},
	0x02: {"Message Expiry Interval", kU32},
	0x03: {"Content Type", kString},
	0x08: {"Response Topic", kString},
	0x09: {"Correlation Data", kBinary},
	0x0B: {"Subscription Identifier", kVarint},
	0x11: {"Session Expiry Interval", kU32},
	0x12: {"Assigned Client Identifier", kString},
	0x13: {"Server Keep Alive", kU16},
	0x15: {"Authentication Method", kString},
	0x16: {"Authentication Data", kBinary},
	0x17: {"Request Problem Information", kByte},
	0x18: {"Will Delay Interval", kU32},
	0x19: {"Request Response Information", kByte},
	0x1A: {"Response Information", kString},
	0x1C: {"Server Reference", kString},
	0x1F: {"Reason String", kString},
	0x21: {"Receive Maximum", kU16},
	0x22: {"Topic Alias Maximum", kU16},
	0x23: {"Topic Alias", kU16},
	0x24: {"Maximum QoS", kByte},
	0x25: {"Retain Available", kByte},
	0x26: {"User Property", kPair},
	0x27: {"Maximum Packet Size", kU32},
	0x28: {"Wildcard Subscription Available", kByte},
	0x29: {"Subscription Identifier Available", kByte},
	0x2A: {"Shared Subscription Available", kByte},
}

// Properties whose byte is a yes or no.
func isFlag(id byte) bool {
	switch id {
	case 0x17, 0x19, 0x25, 0x28, 0x29, 0x2A:
		return true
	}
	return false
}

// Properties whose number is seconds.
func isSeconds(id byte) bool { return id == 0x02 || id == 0x11 || id == 0x13 || id == 0x18 }

// protoLevel is a connection's protocol level as its outgoing CONNECT said,
// shared by the decoders of both directions (each on its own goroutine).
type protoLevel struct{ v atomic.Uint32 }

// get is the level, 4 (MQTT 3.1.1) until a CONNECT said otherwise.
func (l *protoLevel) get() byte {
	if l == nil {
		return 4
	}
	if v := l.v.Load(); v != 0 {
		return byte(v)
	}
	return 4
}

func (l *protoLevel) set(v byte) {
	if l != nil {
		l.v.Store(uint32(v))
	}
}

// reader5 walks an MQTT 5 packet's body; bad marks what no cut explains
// (malformed).
type reader5 struct {
	reader
	bad bool
}

// varint reads MQTT's variable byte integer.
func (r *reader5) varint() int {
	n, mult := 0, 1
	for i := 0; i < 4; i++ {
		c := r.byte()
		if r.short {
			return 0
		}
		n += int(c&0x7f) * mult
		if c&0x80 == 0 {
			return n
		}
		mult *= 128
	}
	r.short, r.bad = true, true // a fifth byte: malformed whatever follows
	return 0
}

func (r *reader5) u32() uint32 {
	if len(r.b) < 4 {
		r.short = true
		r.b = nil
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

// bin reads length-prefixed bytes, without a copy.
func (r *reader5) bin() []byte {
	n := int(r.u16())
	if r.short {
		return nil
	}
	if n > len(r.b) {
		r.short = true
		r.b = nil
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

// propList collects properties within the bounds.
type propList struct {
	props []Prop
	size  int
	cut   bool
}

func (l *propList) add(id byte, name, value string) {
	if l.cut {
		return
	}
	if len(l.props) >= MaxProps-1 || l.size+len(name)+len(value) > MaxPropBytes {
		if room := MaxPropBytes - l.size - len(name); len(l.props) < MaxProps-1 && room >= 16 {
			// A long value: its start.
			l.props = append(l.props, Prop{ID: id, Name: name, Value: cutString(value, room-len(PropsCut)) + PropsCut})
		}
		l.props = append(l.props, Prop{Name: PropsCut})
		l.cut = true
		return
	}
	l.size += len(name) + len(value)
	l.props = append(l.props, Prop{ID: id, Name: name, Value: value})
}

// addWill adds a CONNECT's Will properties after its own, named as the
// Will's ("Will User Property"; Will Delay Interval is the Will's already).
func (l *propList) addWill(will propList) {
	for _, pr := range will.props {
		if pr.Name == PropsCut {
			break
		}
		name := pr.Name
		if pr.ID != 0x18 {
			name = "Will " + name
		}
		l.add(pr.ID, name, pr.Value)
	}
	if will.cut && !l.cut {
		l.props = append(l.props, Prop{Name: PropsCut})
		l.cut = true
	}
}

// cutString is s's first n bytes at most, not splitting a UTF-8 sequence.
func cutString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// readProps reads a property list (its length, then the properties) into
// l; a property unknown, twice where once is the rule, or running past
// the list's end marks r bad (malformed) or short (past the body kept).
func (r *reader5) readProps(l *propList) {
	n := r.varint()
	if r.short {
		return
	}
	pr := reader5{reader: reader{b: r.b}}
	if n > len(r.b) {
		r.short = true // the list runs past what we have: cut, or malformed
		r.b = nil
	} else {
		pr.b = r.b[:n]
		r.b = r.b[n:]
	}
	for len(pr.b) > 0 && !pr.short {
		id := byte(pr.varint()) // identifiers are one-byte varints today
		if pr.short {
			break
		}
		spec, ok := propSpecs[id]
		if !ok {
			r.bad = true
			return
		}
		var v string
		switch spec.kind {
		case kByte:
			c := pr.byte()
			switch {
			case id == 0x01 && c == 0:
				v = "bytes"
			case id == 0x01 && c == 1:
				v = "UTF-8"
			case isFlag(id) && c == 0:
				v = "no"
			case isFlag(id) && c == 1:
				v = "yes"
			default:
				v = strconv.Itoa(int(c))
				if id != 0x24 || c > 1 { // Maximum QoS is 0 or 1
					r.bad = true
				}
			}
		case kU16:
			v = strconv.Itoa(int(pr.u16()))
		case kU32:
			v = strconv.FormatUint(uint64(pr.u32()), 10)
		case kVarint:
			v = strconv.Itoa(pr.varint())
		case kString:
			v = string(pr.bin())
		case kBinary:
			b := pr.bin()
			switch {
			case id == 0x16: // authentication data: never its value
				v = strconv.Itoa(len(b)) + " bytes (not shown)"
			case utf8.Valid(b):
				v = string(b)
			default:
				v = hex.EncodeToString(b[:min(len(b), MaxPropBytes/2)])
			}
		case kPair:
			k := pr.bin()
			val := pr.bin()
			v = string(k) + "=" + string(val)
		}
		if isSeconds(id) && !pr.short {
			v += " s"
		}
		if pr.short {
			break
		}
		l.add(id, spec.name, v)
	}
	if pr.bad {
		r.bad = true
	}
	if pr.short && !r.short {
		r.bad = true // a property runs past its list's end
	}
}

// decodeV5 fills the fields of an MQTT 5 packet other than CONNECT and
// PUBLISH (which decodeFieldsCached reads, with their properties): reason
// codes, properties, filters. It reports whether it knew the type.
func decodeV5(p *Packet, r *reader5, l *propList) bool {
	switch p.Type {
	case TypePuback, TypePubrec, TypePubrel, TypePubcomp:
		r.u16()
		p.Code = 0
		if p.Length > 2 {
			p.Code = r.byte()
		}
		if p.Length > 3 {
			r.readProps(l)
		}
	case TypeDisconnect, TypeAuth:
		p.Code = 0
		if p.Length > 0 {
			p.Code = r.byte()
		}
		if p.Length > 1 {
			r.readProps(l)
		}
	case TypeConnack:
		r.byte()
		r.byte() // the code: scan read both
		r.readProps(l)
	case TypeSubscribe, TypeUnsubscribe:
		r.u16()
		r.readProps(l)
		s := &SubscriptionFields{}
		for len(r.b) > 0 && !r.short {
			f := Subscription{Filter: r.str(true)}
			if p.Type == TypeSubscribe {
				opt := r.byte()
				f.QoS, f.NoLocal, f.RetainAsPublished, f.RetainHandling = opt&3, opt&4 != 0, opt&8 != 0, opt>>4&3
				if opt&3 == 3 || opt&0xC0 != 0 || opt>>4&3 == 3 {
					r.bad = true
				}
			}
			s.Filters = append(s.Filters, f)
		}
		if len(s.Filters) == 0 && !r.short && len(r.b) == 0 && p.Length <= fieldCap {
			r.bad = true
		}
		p.Subs = s
	case TypeSuback, TypeUnsuback:
		r.u16()
		r.readProps(l)
		if !r.short {
			p.Subs = &SubscriptionFields{Codes: append([]byte(nil), r.b...)}
			if len(r.b) > 0 {
				p.Code = r.b[0]
			}
		}
	default:
		return false
	}
	return true
}

// connectLevel is the protocol level in the start of a CONNECT's body, 0
// when it is not there.
func connectLevel(body []byte) byte {
	if len(body) < 2 {
		return 0
	}
	if i := 2 + int(binary.BigEndian.Uint16(body)); i < len(body) {
		return body[i]
	}
	return 0
}

// publishNeed is how many body bytes of a PUBLISH the fields want, given
// the start collected so far: the topic, the packet id, on MQTT 5 the
// properties, and PreviewSize bytes of payload. done is false while the
// answer may still grow (the property length is not read yet).
func publishNeed(buf []byte, qos, v5 bool) (need int, done bool) {
	if len(buf) < 2 {
		return 2, false
	}
	head := 2 + int(binary.BigEndian.Uint16(buf))
	if qos {
		head += 2
	}
	if !v5 {
		return head + PreviewSize, true
	}
	n, mult := 0, 1
	for i := 0; i < 4; i++ {
		if head+i >= len(buf) {
			return head + i + 1, false
		}
		c := buf[head+i]
		n += int(c&0x7f) * mult
		if c&0x80 == 0 {
			return head + i + 1 + n + PreviewSize, true
		}
		mult *= 128
	}
	return head + 4, true // malformed: decodeFields5 says so
}

// decodeFields5 is decodeFieldsCached for MQTT 5: the same fields, the
// reason codes, and the properties (Packet.Props). It never panics.
func decodeFields5(p *Packet, body []byte, topics *topicCache) {
	cut := len(body) < p.Length
	p.V5 = true
	r := reader5{reader: reader{b: body}}
	var l propList
	switch p.Type {
	case TypeConnect:
		c := &ConnectFields{}
		c.Protocol = r.str(true)
		c.Level = r.byte()
		f := r.byte()
		c.KeepAlive = r.u16()
		r.readProps(&l)
		c.ClientID = r.str(true)
		c.CleanSession = f&0x02 != 0
		c.Will, c.WillQoS, c.WillRetain = f&0x04 != 0, f>>3&3, f&0x20 != 0
		c.Username, c.Password = f&0x80 != 0, f&0x40 != 0
		if c.Will && !r.short {
			var will propList
			r.readProps(&will)
			c.WillTopic = r.str(true)
			l.addWill(will)
		}
		// The will message, the user name and the password are not read.
		p.Connect = c
		if f&1 != 0 || c.WillQoS == 3 {
			r.bad = true
		}
	case TypePublish:
		if topics != nil && len(body) >= 2 {
			if n := 2 + int(binary.BigEndian.Uint16(body)); n <= len(body) {
				p.Topic = topics.get(body[2:n])
				r.b = body[n:]
			} else {
				p.Topic = r.str(true)
			}
		} else {
			p.Topic = r.str(true)
		}
		head := 2 + len(p.Topic)
		if p.QoS() > 0 {
			r.u16()
			head += 2
		}
		if p.QoS() == 3 {
			r.bad = true
		}
		before := len(r.b)
		if !r.short {
			r.readProps(&l)
		}
		if !r.short {
			head += before - len(r.b)
			p.PayloadLen = p.Length - head
			p.PreviewLen = uint8(copy(p.Preview[:], r.b))
			cut = false // only the payload was left out: that is the plan
		}
	default:
		decodeV5(p, &r, &l)
	}
	if len(l.props) > 0 {
		p.Props = l.props
	}
	switch {
	case r.bad:
		p.Malformed = true
	case cut:
		p.Cut = true
	case r.short:
		p.Malformed = true
	}
}
