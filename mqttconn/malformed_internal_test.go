package mqttconn

import (
	"bytes"
	"strings"
	"testing"

	packets5 "github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.mqtt.golang/packets"
)

// TestPublishFault: what each fault says, and that a body cut short (the
// rest not read yet) is not taken for a fault.
func TestPublishFault(t *testing.T) {
	for _, tc := range []struct {
		name   string
		b0     byte
		body   []byte
		length int // of the whole body; len(body) when 0
		v5     bool
		want   string // "" or what the fault says
	}{
		{"3.1.1 QoS 0", 0x30, []byte{0, 1, 'a', 'x'}, 0, false, ""},
		{"3.1.1 QoS 1", 0x32, []byte{0, 1, 'a', 0, 7}, 0, false, ""},
		{"3.1.1 QoS 1 without its id", 0x32, []byte{0, 1, 'a', 0}, 0, false, "a topic of 1 bytes and a packet id in a packet of 4"},
		{"3.1.1 one byte", 0x30, []byte{0}, 0, false, "1 bytes"},
		{"QoS 3", 0x36, []byte{0, 1, 'a', 0, 7}, 0, false, "QoS 3"},
		{"3.1.1 only the topic's length read yet", 0x30, []byte{0, 9}, 20, false, ""},
		{"3.1.1 a topic past the packet", 0x30, []byte{0, 9}, 5, false, "a topic of 9 bytes in a packet of 5"},
		{"5 QoS 0", 0x30, []byte{0, 1, 'a', 0, 'x'}, 0, true, ""},
		{"5 QoS 2 with a property", 0x34, []byte{0, 1, 'a', 0, 7, 2, 1, 1}, 0, true, ""},
		{"5 no properties' length", 0x30, []byte{0, 1, 'a'}, 0, true, "no properties' length in a packet of 3"},
		{"5 a properties' length of 5 bytes", 0x30, []byte{0, 1, 'a', 0x80, 0x80, 0x80, 0x80, 1}, 0, true, "a malformed properties' length in a packet of 8"},
		{"5 properties past the packet", 0x30, []byte{0, 1, 'a', 9, 1}, 0, true, "properties of 9 bytes in a packet of 5"},
		{"5 properties not read yet", 0x30, []byte{0, 1, 'a', 9, 1}, 40, true, ""},
		{"5 an unknown property", 0x30, []byte{0, 1, 'a', 1, 0x61}, 0, true, "its properties: invalid Prop type 97 for packet 3"},
		{"5 a property cut short", 0x30, []byte{0, 1, 'a', 1, 2}, 0, true, "its properties: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			length := tc.length
			if length == 0 {
				length = len(tc.body)
			}
			got := publishFault(tc.b0, tc.body, length, tc.v5)
			if (tc.want == "") != (got == "") || !strings.HasPrefix(got, tc.want) {
				t.Errorf("publishFault = %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzPublishFault: any PUBLISH body, any QoS: publishFault never panics,
// and what it passes whole, the library's parser reads (3.1.1: paho's;
// MQTT 5: paho.golang's). A fault it finds, the parser would find too,
// except a shape paho.golang lets pass.
func FuzzPublishFault(f *testing.F) {
	f.Add(byte(0x30), []byte{0, 1, 'a', 'x'})
	f.Add(byte(0x32), []byte{0, 1, 'a', 0, 7, 'x'})
	f.Add(byte(0x34), []byte{0, 1, 'a', 0, 7, 2, 1, 1, 'x'})
	f.Add(byte(0x30), []byte{0, 1, 'a', 0x80, 0x80, 0x80, 0x80, 1})
	f.Add(byte(0x32), []byte{0, 3, 'a', '/', 'b', 0, 1, 5, 0x03, 0, 2, 'c', 't'})
	f.Fuzz(func(t *testing.T, b0 byte, body []byte) {
		b0 = 0x30 | b0&0x0f
		if b0>>1&3 == 3 { // no QoS: a fault the libraries' parsers do not look for
			if got := publishFault(b0, body, len(body), true); got != "QoS 3" {
				t.Fatalf("QoS 3: publishFault = %q", got)
			}
			return
		}
		for i := range len(body) + 1 { // a part of it read so far: never a fault the rest could mend
			if publishFault(b0, body[:i], len(body), true) != "" && publishFault(b0, body, len(body), true) == "" {
				t.Fatalf("a fault with %d of %d bytes that the whole packet does not have", i, len(body))
			}
		}
		raw := append(appendHeader(nil, b0, len(body)), body...)
		_, err3 := packets.ReadPacket(bytes.NewReader(raw))
		if fault := publishFault(b0, body, len(body), false); (fault == "") != (err3 == nil) {
			t.Errorf("3.1.1: publishFault %q, paho: %v", fault, err3)
		}
		// paho.golang lets properties run past the packet (MQTT 5 2.2.2.1):
		// publishFault is stricter, never laxer.
		_, err5 := packets5.ReadPacket(bytes.NewReader(raw))
		if fault := publishFault(b0, body, len(body), true); fault == "" && err5 != nil {
			t.Errorf("5: publishFault passed it, paho.golang: %v", err5)
		} else if shape, _ := publishShape(b0, body, len(body), true); fault != "" && err5 == nil && shape == "" {
			t.Errorf("5: publishFault %q, paho.golang read it and the shape is fine", fault)
		}
	})
}
