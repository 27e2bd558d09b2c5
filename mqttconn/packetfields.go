package mqttconn

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// fieldCap is the most body bytes of one packet a decoder collects for its
// fields: a CONNECT's client id and will topic, a PUBLISH's topic and
// preview, the filters of a SUBSCRIBE. What lies beyond is skipped, and
// the packet is marked Cut.
const fieldCap = 1024

// keep collects body bytes for the fields, when they are wanted.
func (d *decoder) keep(b []byte) {
	if d.fields && len(d.buf) < d.need {
		d.collect(b)
	}
}

// collect keeps body bytes (at offset len(d.buf)) until d.need of them; a
// PUBLISH's need grows once its topic length is known: the topic, the
// packet id, on MQTT 5 its properties, and PreviewSize bytes of payload,
// never more (publishNeed).
func (d *decoder) collect(b []byte) {
	n := min(len(b), d.need-len(d.buf))
	d.buf = append(d.buf, b[:n]...)
	if d.growing && len(d.buf) == d.need {
		need, done := publishNeed(d.buf, d.cur.QoS() > 0, d.lv == 5)
		d.growing = !done
		if need = min(d.cur.Length, fieldCap, need); need > d.need {
			d.need = need
			if rest := b[n:]; len(rest) > 0 {
				d.collect(rest)
			}
		} else {
			d.growing = false
		}
	}
}

// reader walks a packet's body; a read past its end marks it short.
type reader struct {
	b     []byte
	short bool
}

func (r *reader) byte() byte {
	if len(r.b) < 1 {
		r.short = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) u16() uint16 {
	if len(r.b) < 2 {
		r.short = true
		r.b = nil
		return 0
	}
	v := binary.BigEndian.Uint16(r.b)
	r.b = r.b[2:]
	return v
}

// str reads a length-prefixed string; keep=false skips it without a copy.
func (r *reader) str(keep bool) string {
	n := int(r.u16())
	if r.short {
		return ""
	}
	if n > len(r.b) {
		r.short = true
		s := r.b
		r.b = nil
		if keep {
			return string(s)
		}
		return ""
	}
	s := r.b[:n]
	r.b = r.b[n:]
	if keep {
		return string(s)
	}
	return ""
}

// topicCache keeps the last topics decoded, so that a flood on a few
// topics costs no allocation per packet.
type topicCache [8]string

// get returns b as a string, reusing a cached one when equal.
func (c *topicCache) get(b []byte) string {
	h := 0
	if len(b) > 0 {
		h = (len(b) + int(b[len(b)-1])) % len(c)
	}
	if c[h] == string(b) { // no allocation: the compiler compares in place
		return c[h]
	}
	c[h] = string(b)
	return c[h]
}

// decodeFieldsCached fills p's decoded fields from body, the start of its
// body (the whole body unless p.Length is longer), taking repeated topics
// from the cache (nil: none). It never panics, whatever the bytes: what does
// not parse marks the packet Malformed.
func decodeFieldsCached(p *Packet, body []byte, topics *topicCache) {
	cut := len(body) < p.Length
	r := reader{b: body}
	switch p.Type {
	case TypeConnect:
		c := &ConnectFields{}
		c.Protocol = r.str(true)
		c.Level = r.byte()
		f := r.byte()
		c.KeepAlive = r.u16()
		c.ClientID = r.str(true)
		c.CleanSession = f&0x02 != 0
		c.Will, c.WillQoS, c.WillRetain = f&0x04 != 0, f>>3&3, f&0x20 != 0
		c.Username, c.Password = f&0x80 != 0, f&0x40 != 0
		if c.Will && !r.short {
			c.WillTopic = r.str(true)
		}
		// The will message, the user name and the password are not read.
		p.Connect = c
		if f&1 != 0 || c.WillQoS == 3 {
			p.Malformed = true
		}
	case TypePublish:
		if topics != nil && len(body) >= 2 {
			if n := 2 + int(binary.BigEndian.Uint16(body)); n <= len(body) {
				p.Topic = topics.get(body[2:n])
				r.b = body[n:]
				goto topicRead
			}
		}
		p.Topic = r.str(true)
	topicRead:
		head := 2 + len(p.Topic)
		if p.QoS() > 0 {
			r.u16()
			head += 2
		}
		if p.QoS() == 3 {
			p.Malformed = true
		}
		switch {
		case !r.short:
			p.PayloadLen = p.Length - head
			p.PreviewLen = uint8(copy(p.Preview[:], r.b))
			cut = false // only the payload was left out: that is the plan
		case !cut:
			p.Malformed = true
		}
		r.short = false // a cut topic is reported as Cut below
	case TypeSubscribe, TypeUnsubscribe:
		r.u16()
		s := &SubscriptionFields{}
		for len(r.b) > 0 && !r.short {
			f := Subscription{Filter: r.str(true)}
			if p.Type == TypeSubscribe {
				f.QoS = r.byte()
			}
			s.Filters = append(s.Filters, f)
		}
		if len(s.Filters) == 0 && !cut {
			p.Malformed = true
		}
		p.Subs = s
	case TypeSuback:
		r.u16()
		if !r.short {
			p.Subs = &SubscriptionFields{Codes: append([]byte(nil), r.b...)}
		}
	}
	switch {
	case cut:
		p.Cut = true
	case r.short:
		p.Malformed = true
	}
}

// ConnackText is a CONNACK return code in words, e.g. "accepted" or "bad
// user name or password".
func ConnackText(code byte) string {
	if code == CodeAccepted {
		return "accepted"
	}
	return strings.TrimPrefix((&RefusedError{Code: code}).Error(), "connection refused: ")
}

// SubackText is a SUBACK return code in words.
func SubackText(code byte) string {
	switch {
	case code <= 2:
		return fmt.Sprintf("granted QoS %d", code)
	case code == 0x80:
		return "refused"
	}
	return fmt.Sprintf("code %#x (undefined)", code)
}
