package mqttconn

import (
	"time"

	"github.com/eclipse/paho.golang/packets"
)

// willPropsBytes are the Will's properties as they go on the wire:
// paho.golang (v0.23.0) packs them as a CONNECT's and so drops the
// payload format, message expiry, content type, response topic and
// correlation data. nil when paho.golang's own encoding is whole.
func (c *Config) willPropsBytes() []byte {
	w := c.Will
	if w == nil || w.Properties == nil {
		return nil
	}
	p := w.Properties
	if p.PayloadFormat == 0 && p.MessageExpiry == 0 && p.ContentType == "" && p.ResponseTopic == "" && p.CorrelationData == nil {
		return nil
	}
	enc := toPackets(p, c.Name).Pack(packets.PUBLISH) // the same properties as a PUBLISH's, user properties included
	if s := w.Delay / time.Second; s > 0 {
		d := uint32(min(s, 0xFFFFFFFF))
		enc = append([]byte{0x18, byte(d >> 24), byte(d >> 16), byte(d >> 8), byte(d)}, enc...)
	}
	return enc
}

// fixWill returns a CONNECT's body (variable header and payload) with the
// Will's property list replaced by props; the body as it is when it is
// not a CONNECT with a Will or does not parse.
func fixWill(body, props []byte) []byte {
	i := 0
	str := func() bool { // skips a two-byte-length string
		if i+2 > len(body) {
			return false
		}
		i += 2 + int(body[i])<<8 + int(body[i+1])
		return i <= len(body)
	}
	varint := func() (int, bool) {
		n, mult := 0, 1
		for k := 0; k < 4 && i < len(body); k++ {
			b := body[i]
			i++
			n += int(b&0x7f) * mult
			if b&0x80 == 0 {
				return n, true
			}
			mult *= 128
		}
		return 0, false
	}
	if !str() || i+4 > len(body) {
		return body
	}
	flags := body[i+1]
	i += 4 // level, flags, keep-alive
	if flags&0x04 == 0 {
		return body
	}
	n, ok := varint()
	if !ok || i+n > len(body) {
		return body
	}
	i += n // CONNECT properties
	if !str() {
		return body // client id
	}
	start := i
	n, ok = varint()
	if !ok || i+n > len(body) {
		return body
	}
	out := append([]byte(nil), body[:start]...)
	out = appendVarint(out, len(props))
	out = append(out, props...)
	return append(out, body[i+n:]...)
}
