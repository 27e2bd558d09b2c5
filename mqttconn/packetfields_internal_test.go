package mqttconn

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// pkt is a packet's bytes: a fixed header and body.
func pkt(b0 byte, body ...[]byte) []byte {
	all := bytes.Join(body, nil)
	return append(appendHeader(nil, b0, len(all)), all...)
}

// str is a length-prefixed string.
func str(s string) []byte { return append([]byte{byte(len(s) >> 8), byte(len(s))}, s...) }

func preview(s string) (a [PreviewSize]byte, n uint8) {
	return a, uint8(copy(a[:], s))
}

func TestDecodeFields(t *testing.T) {
	big := bytes.Repeat([]byte("p"), 5000)
	pv, pn := preview(strings.Repeat("p", PreviewSize))
	hi, hn := preview("hi")
	longTopic := strings.Repeat("t", 2000)
	tests := []struct {
		name  string
		bytes []byte
		want  Packet
	}{
		{"connect with will, user and password", pkt(TypeConnect<<4, str("MQTT"), []byte{4, 0xc0 | 0x20 | 0x08 | 0x04 | 0x02, 0, 30},
			str("me"), str("last/will"), str("bye"), str("alice"), str("s3cret")),
			Packet{Type: TypeConnect, Length: 45, Connect: &ConnectFields{Protocol: "MQTT", Level: 4, CleanSession: true, KeepAlive: 30,
				ClientID: "me", Will: true, WillTopic: "last/will", WillQoS: 1, WillRetain: true, Username: true, Password: true}}},
		{"connect, empty client id, no will", pkt(TypeConnect<<4, str("MQIsdp"), []byte{3, 0, 0xff, 0xff}, str("")),
			Packet{Type: TypeConnect, Length: 14, Connect: &ConnectFields{Protocol: "MQIsdp", Level: 3, KeepAlive: 65535}}},
		{"connect with reserved flag", pkt(TypeConnect<<4, str("MQTT"), []byte{4, 1, 0, 5}, str("x")),
			Packet{Type: TypeConnect, Length: 13, Malformed: true, Connect: &ConnectFields{Protocol: "MQTT", Level: 4, KeepAlive: 5, ClientID: "x"}}},
		{"connack refused", pkt(TypeConnack<<4, []byte{0, 5}), Packet{Type: TypeConnack, Length: 2, Code: 5}},
		{"publish qos 0", pkt(TypePublish<<4|1, str("a/b"), []byte("hi")),
			Packet{Type: TypePublish, Flags: 1, Length: 7, Topic: "a/b", PayloadLen: 2, Preview: hi, PreviewLen: hn}},
		{"publish qos 2 dup, large payload skipped", pkt(TypePublish<<4|0xc, str("a"), []byte{1, 2}, big),
			Packet{Type: TypePublish, Flags: 0xc, Length: 5005, ID: 0x102, Topic: "a", PayloadLen: 5000, Preview: pv, PreviewLen: pn}},
		{"publish with a topic over the cap", pkt(TypePublish<<4|2, str(longTopic), []byte{0, 9}, []byte("x")),
			Packet{Type: TypePublish, Flags: 2, Length: 2005, ID: 9, Topic: longTopic[:fieldCap-2], Cut: true}},
		{"publish with a topic past its end", pkt(TypePublish<<4, []byte{0, 9, 'a'}),
			Packet{Type: TypePublish, Length: 3, Topic: "a", Malformed: true}},
		{"puback", pkt(TypePuback<<4, []byte{0, 7}), Packet{Type: TypePuback, Length: 2, ID: 7}},
		{"pubrel", pkt(TypePubrel<<4|2, []byte{1, 0}), Packet{Type: TypePubrel, Flags: 2, Length: 2, ID: 256}},
		{"subscribe two filters", pkt(TypeSubscribe<<4|2, []byte{0, 3}, str("a/#"), []byte{2}, str("+/b"), []byte{0}),
			Packet{Type: TypeSubscribe, Flags: 2, Length: 14, ID: 3, Subs: &SubscriptionFields{Filters: []Subscription{{Filter: "a/#", QoS: 2}, {Filter: "+/b", QoS: 0}}}}},
		{"suback", pkt(TypeSuback<<4, []byte{0, 3, 2, 0x80}),
			Packet{Type: TypeSuback, Length: 4, ID: 3, Code: 2, Subs: &SubscriptionFields{Codes: []byte{2, 0x80}}}},
		{"unsubscribe", pkt(TypeUnsubscribe<<4|2, []byte{0, 4}, str("a/#")),
			Packet{Type: TypeUnsubscribe, Flags: 2, Length: 7, ID: 4, Subs: &SubscriptionFields{Filters: []Subscription{{Filter: "a/#", QoS: 0}}}}},
		{"subscribe without filters", pkt(TypeSubscribe<<4|2, []byte{0, 4}),
			Packet{Type: TypeSubscribe, Flags: 2, Length: 2, ID: 4, Malformed: true, Subs: &SubscriptionFields{}}},
		{"unsuback", pkt(TypeUnsuback<<4, []byte{0, 4}), Packet{Type: TypeUnsuback, Length: 2, ID: 4}},
		{"pingreq", pkt(TypePingreq << 4), Packet{Type: TypePingreq}},
		{"disconnect", pkt(TypeDisconnect << 4), Packet{Type: TypeDisconnect}},
	}
	for _, tc := range tests {
		for _, size := range []int{1, 3, 7, len(tc.bytes)} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, size), func(t *testing.T) {
				var got []Packet
				d := decoder{fields: true, emit: func(p Packet) { got = append(got, p) }}
				for i := 0; i < len(tc.bytes); i += size {
					d.feed(tc.bytes[i:min(i+size, len(tc.bytes))])
				}
				if len(got) != 1 {
					t.Fatalf("%d packets", len(got))
				}
				got[0].Time = tc.want.Time
				if !reflect.DeepEqual(got[0], tc.want) {
					t.Errorf("\n got %+v %+v %+v\nwant %+v %+v %+v", got[0], got[0].Connect, got[0].Subs, tc.want, tc.want.Connect, tc.want.Subs)
				}
				if len(d.buf) > fieldCap {
					t.Errorf("kept %d bytes", len(d.buf))
				}
			})
		}
	}
}

// The password never stays in the decoder's memory, nor in the packet.
func TestConnectPasswordNotKept(t *testing.T) {
	b := pkt(TypeConnect<<4, str("MQTT"), []byte{4, 0xc2, 0, 30}, str("me"), str("alice"), str("s3cret-pw"))
	var got Packet
	d := decoder{fields: true, emit: func(p Packet) { got = p }}
	d.feed(b)
	if bytes.Contains(d.buf[:cap(d.buf)], []byte("s3cret-pw")) {
		t.Error("the decoder's buffer still holds the password")
	}
	if s := fmt.Sprintf("%+v", *got.Connect); strings.Contains(s, "s3cret") || !got.Connect.Password {
		t.Errorf("connect fields %s", s)
	}
}

// Without an observer for the fields, nothing is collected.
func TestDecoderHeadersOnly(t *testing.T) {
	var got Packet
	d := decoder{emit: func(p Packet) { got = p }}
	d.feed(pkt(TypePublish<<4|2, str("a/b"), []byte{0, 1}, []byte("payload")))
	if got.Topic != "" || got.PreviewLen != 0 || got.ID != 1 || cap(d.buf) != 0 {
		t.Errorf("%+v, buf cap %d", got, cap(d.buf))
	}
}

func TestConnackText(t *testing.T) {
	for code, want := range map[byte]string{0: "accepted", 4: "bad user name or password", 5: "not authorised", 9: "connection refused with return code 9, which MQTT 3.1.1 does not define"} {
		if got := ConnackText(code); got != want {
			t.Errorf("%d: %q, want %q", code, got, want)
		}
	}
	if SubackText(0x80) != "refused" || SubackText(1) != "granted QoS 1" {
		t.Error(SubackText(0x80), SubackText(1))
	}
}

// FuzzDecoder: any bytes, split anywhere, never panic, never keep more
// than fieldCap bytes, and a preview is never longer than the payload.
func FuzzDecoder(f *testing.F) {
	f.Add(pkt(TypeConnect<<4, str("MQTT"), []byte{4, 0xc6, 0, 30}, str("me"), str("w"), str("m"), str("u"), str("p")), 3)
	f.Add(pkt(TypePublish<<4|4, str("a/b"), []byte{0, 1}, []byte("hello")), 1)
	f.Add(pkt(TypeSubscribe<<4|2, []byte{0, 3}, str("a/#"), []byte{2}), 2)
	f.Add(pkt(TypeSuback<<4, []byte{0, 3, 2, 0x80}), 5)
	f.Add([]byte{0x30, 0xff, 0xff, 0xff, 0x7f, 0, 3}, 1)
	f.Add(pkt(TypePublish<<4|2, str("a/b"), []byte{0, 7}, props(pPair("k", "v"), pVarint(0x0B, 300)), []byte("hello")), 2)
	f.Add(pkt(TypeAuth<<4, []byte{0x18}, props(pStr(0x15, "SCRAM"), append([]byte{0x16}, str("data")...))), 3)
	f.Fuzz(func(t *testing.T, b []byte, size int) {
		if size < 1 {
			size = 1
		}
		for _, lv := range []byte{4, 5} { // MQTT 3.1.1, and MQTT 5 with properties
			l := &protoLevel{}
			l.set(lv)
			d := decoder{fields: true, level: l, emit: func(p Packet) {
				if int(p.PreviewLen) > PreviewSize || (p.Type == TypePublish && p.PayloadLen < int(p.PreviewLen)) {
					t.Fatalf("preview of %d bytes, payload %d", p.PreviewLen, p.PayloadLen)
				}
				n := 0
				for _, pr := range p.Props {
					n += len(pr.Name) + len(pr.Value)
				}
				if len(p.Props) > MaxProps || n > MaxPropBytes+len(PropsCut) {
					t.Fatalf("%d properties of %d bytes", len(p.Props), n)
				}
			}}
			for i := 0; i < len(b); i += size {
				d.feed(b[i:min(i+size, len(b))])
				if len(d.buf) > fieldCap {
					t.Fatalf("kept %d bytes", len(d.buf))
				}
			}
		}
	})
}
