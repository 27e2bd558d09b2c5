package mqttconn

import (
	"bytes"
	"encoding/binary"
	"fmt"

	packets5 "github.com/eclipse/paho.golang/packets"
)

// malformedPublish says what is wrong with the PUBLISH (first byte b0,
// body of length bytes, next in the reader) whose body is still to be
// read, as the library's parser would find it; "" when nothing is. It
// reads nothing. whole checks all of it (the library reads it next; as far
// as the read buffer holds: the library's parser has the last word past
// that); else only as far as its topic (our reader checks the rest).
// Found here, the fault ends the connection as the broker's
// (malformedFault), not as the library's unexplained close ("connection
// closed by the client").
func (w *wireConn) malformedPublish(b0 byte, length int, whole bool) string {
	n := 2 // the topic's length
	if whole && w.v5 {
		n = length
	}
	body, _ := w.r.Peek(min(n, length, w.r.Size())) // short on a read error: the reader meets it next
	if !whole {
		what, _ := publishShape(b0, body, length, false)
		return what
	}
	return publishFault(b0, body, length, w.v5)
}

// malformedFault ends the connection for a malformed PUBLISH from the
// broker (brokerFault: a ProtocolError that says what was wrong, the Will
// kept).
func (w *wireConn) malformedFault(what string) error {
	return w.brokerFault(reasonCodeMalformedPacket, "a malformed PUBLISH from the broker: "+what)
}

// publishFault says what is wrong with a PUBLISH whose first byte is b0
// and whose body, length bytes, begins with body (all of it, or a part);
// "" when nothing is, as far as body shows: its shape (publishShape),
// then, over MQTT 5 and whole, its properties as paho.golang reads them.
func publishFault(b0 byte, body []byte, length int, v5 bool) string {
	what, end := publishShape(b0, body, length, v5)
	if what != "" || !v5 || len(body) < length {
		return what
	}
	p := packets5.Publish{QoS: b0 >> 1 & 3, Properties: &packets5.Properties{}}
	if err := p.Unpack(bytes.NewBuffer(body[:end])); err != nil { // without the payload: no copy of it
		return "its properties: " + err.Error()
	}
	return ""
}

// publishShape is publishFault without reading the properties, and where
// the properties end (MQTT 5, when ""): QoS 3 is no QoS (MQTT-3.3.1-4);
// the topic, packet id and properties must fit in the packet. paho.golang
// does not check that the properties do (MQTT 5 2.2.2.1): it would take
// what follows for them, or drop the payload.
func publishShape(b0 byte, body []byte, length int, v5 bool) (string, int) {
	qos := b0 >> 1 & 3
	if qos == 3 {
		return "QoS 3", 0
	}
	id := 0
	if qos > 0 {
		id = 2
	}
	if length < 2+id {
		return fmt.Sprintf("%d bytes", length), 0
	}
	if len(body) < 2 {
		return "", 0
	}
	tlen := int(binary.BigEndian.Uint16(body))
	if 2+tlen+id > length {
		if id > 0 {
			return fmt.Sprintf("a topic of %d bytes and a packet id in a packet of %d", tlen, length), 0
		}
		return fmt.Sprintf("a topic of %d bytes in a packet of %d", tlen, length), 0
	}
	if !v5 {
		return "", 0
	}
	whole := len(body) == length
	at := 2 + tlen + id
	if at >= len(body) {
		if whole {
			return fmt.Sprintf("no properties' length in a packet of %d", length), 0
		}
		return "", 0
	}
	size, n := binary.Uvarint(body[at:min(at+4, len(body))]) // MQTT's Variable Byte Integer is this varint, in at most 4 bytes
	switch {
	case n == 0 && !whole && len(body) < at+4:
		return "", 0 // the rest is not in body
	case n <= 0:
		return fmt.Sprintf("a malformed properties' length in a packet of %d", length), 0
	case at+n+int(size) > length:
		return fmt.Sprintf("properties of %d bytes in a packet of %d", size, length), 0
	}
	return "", at + n + int(size)
}
