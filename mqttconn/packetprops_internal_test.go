package mqttconn

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// props is an MQTT 5 property list: its length, then the properties.
func props(p ...[]byte) []byte {
	all := bytes.Join(p, nil)
	return append(appendVarint(nil, len(all)), all...)
}

func pByte(id, v byte) []byte       { return []byte{id, v} }
func pU16(id byte, v uint16) []byte { return []byte{id, byte(v >> 8), byte(v)} }
func pU32(id byte, v uint32) []byte {
	return []byte{id, byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}
func pStr(id byte, s string) []byte     { return append([]byte{id}, str(s)...) }
func pPair(k, v string) []byte          { return append(pStr(0x26, k), str(v)...) }
func pVarint(id byte, n int) []byte     { return appendVarint([]byte{id}, n) }
func level5() *protoLevel               { l := &protoLevel{}; l.set(5); return l }
func prop(name, v string, id byte) Prop { return Prop{ID: id, Name: name, Value: v} }

func TestDecodeFields5(t *testing.T) {
	hello, hn := preview("hello")
	many := make([][]byte, 20)
	for i := range many {
		many[i] = pPair(fmt.Sprint("k", i), "v")
	}
	manyWant := make([]Prop, 0, MaxProps)
	for i := 0; i < MaxProps-1; i++ {
		manyWant = append(manyWant, prop("User Property", fmt.Sprintf("k%d=v", i), 0x26))
	}
	manyWant = append(manyWant, Prop{Name: PropsCut})
	long := strings.Repeat("r", 1000)
	tests := []struct {
		name string
		out  bool // a packet we send (else received), on a level 5 connection
		b0   byte
		body [][]byte
		want Packet // Type, Flags, Length, Out and V5 are filled in
	}{
		{"connect with properties, will, user and password", true, TypeConnect << 4,
			[][]byte{str("MQTT"), {5, 0xc0 | 0x04 | 0x02, 0, 30},
				props(pU32(0x11, 3600), pU16(0x21, 10), pPair("k", "v"), pStr(0x15, "SCRAM-SHA-1"), append([]byte{0x16}, str("auth-secret!")...)),
				str("me"), props(pU32(0x18, 5)), str("last/will"), str("bye"), str("alice"), str("s3cret")},
			Packet{Connect: &ConnectFields{Protocol: "MQTT", Level: 5, CleanSession: true, KeepAlive: 30, ClientID: "me",
				Will: true, WillTopic: "last/will", Username: true, Password: true},
				Props: []Prop{prop("Session Expiry Interval", "3600 s", 0x11), prop("Receive Maximum", "10", 0x21),
					prop("User Property", "k=v", 0x26), prop("Authentication Method", "SCRAM-SHA-1", 0x15),
					prop("Authentication Data", "12 bytes (not shown)", 0x16)}}},
		{"connack with properties", false, TypeConnack << 4,
			[][]byte{{1, 0}, props(pStr(0x12, "auto-1"), pU16(0x22, 0), pByte(0x24, 1), pByte(0x25, 0), pByte(0x28, 1),
				pU16(0x13, 60), pU32(0x27, 1<<20), pStr(0x1A, "resp/"), pStr(0x1C, "other:1883"))},
			Packet{SessionPresent: true, Props: []Prop{prop("Assigned Client Identifier", "auto-1", 0x12), prop("Topic Alias Maximum", "0", 0x22),
				prop("Maximum QoS", "1", 0x24), prop("Retain Available", "no", 0x25), prop("Wildcard Subscription Available", "yes", 0x28),
				prop("Server Keep Alive", "60 s", 0x13), prop("Maximum Packet Size", "1048576", 0x27),
				prop("Response Information", "resp/", 0x1A), prop("Server Reference", "other:1883", 0x1C)}}},
		{"connack refused with a reason string", false, TypeConnack << 4,
			[][]byte{{0, 0x87}, props(pStr(0x1F, "no"), pByte(0x29, 0), pByte(0x2A, 1))},
			Packet{Code: 0x87, Props: []Prop{prop("Reason String", "no", 0x1F), prop("Subscription Identifier Available", "no", 0x29),
				prop("Shared Subscription Available", "yes", 0x2A)}}},
		{"publish qos 1 with properties", false, TypePublish<<4 | 2,
			[][]byte{str("a/b"), {0, 7}, props(pByte(0x01, 1), pU32(0x02, 60), pStr(0x03, "text/plain"), pStr(0x08, "re/ply"),
				append([]byte{0x09}, str("\xff\x00")...), pVarint(0x0B, 300), pU16(0x23, 3), pPair("mqttchat-name", "alice")), []byte("hello")},
			Packet{ID: 7, Topic: "a/b", PayloadLen: 5, Preview: hello, PreviewLen: hn,
				Props: []Prop{prop("Payload Format Indicator", "UTF-8", 0x01), prop("Message Expiry Interval", "60 s", 0x02),
					prop("Content Type", "text/plain", 0x03), prop("Response Topic", "re/ply", 0x08), prop("Correlation Data", "ff00", 0x09),
					prop("Subscription Identifier", "300", 0x0B), prop("Topic Alias", "3", 0x23), prop("User Property", "mqttchat-name=alice", 0x26)}}},
		{"publish qos 0 without properties", true, TypePublish << 4, [][]byte{str("t"), {0}, []byte("hello")},
			Packet{Topic: "t", PayloadLen: 5, Preview: hello, PreviewLen: hn}},
		{"publish with properties past the cap", false, TypePublish << 4, [][]byte{str("t"), props(pStr(0x1F, long), pStr(0x1F, long)), []byte("x")},
			Packet{Topic: "t", Cut: true, Props: []Prop{prop("Reason String", long[:MaxPropBytes-len("Reason String")-len(PropsCut)]+PropsCut, 0x1F), {Name: PropsCut}}}},
		{"puback, id only", false, TypePuback << 4, [][]byte{{0, 7}}, Packet{ID: 7}},
		{"puback with a reason string", false, TypePuback << 4, [][]byte{{0, 7, 0x10}, props(pStr(0x1F, "nobody listens"))},
			Packet{ID: 7, Code: 0x10, Props: []Prop{prop("Reason String", "nobody listens", 0x1F)}}},
		{"pubrec, code only", false, TypePubrec << 4, [][]byte{{0, 8, 0x97}}, Packet{ID: 8, Code: 0x97}},
		{"pubrel with a user property", true, TypePubrel<<4 | 2, [][]byte{{0, 9, 0}, props(pPair("a", "b"))},
			Packet{ID: 9, Props: []Prop{prop("User Property", "a=b", 0x26)}}},
		{"pubcomp not found", false, TypePubcomp << 4, [][]byte{{0, 9, 0x92}, props()}, Packet{ID: 9, Code: 0x92}},
		{"subscribe with options and an identifier", true, TypeSubscribe<<4 | 2, [][]byte{{0, 3}, props(pVarint(0x0B, 5)), str("a/#"), {0x1e}},
			Packet{ID: 3, Subs: &SubscriptionFields{Filters: []Subscription{{Filter: "a/#", QoS: 2}}}, Props: []Prop{prop("Subscription Identifier", "5", 0x0B)}}},
		{"suback with a reason string", false, TypeSuback << 4, [][]byte{{0, 3}, props(pStr(0x1F, "half")), {1, 0x87}},
			Packet{ID: 3, Code: 1, Subs: &SubscriptionFields{Codes: []byte{1, 0x87}}, Props: []Prop{prop("Reason String", "half", 0x1F)}}},
		{"unsubscribe", true, TypeUnsubscribe<<4 | 2, [][]byte{{0, 4}, props(pPair("x", "y")), str("a/#")},
			Packet{ID: 4, Subs: &SubscriptionFields{Filters: []Subscription{{Filter: "a/#", QoS: 0}}}, Props: []Prop{prop("User Property", "x=y", 0x26)}}},
		{"unsuback", false, TypeUnsuback << 4, [][]byte{{0, 4}, props(), {0x11}},
			Packet{ID: 4, Code: 0x11, Subs: &SubscriptionFields{Codes: []byte{0x11}}}},
		{"disconnect, empty", true, TypeDisconnect << 4, nil, Packet{}},
		{"disconnect with reason and server reference", false, TypeDisconnect << 4, [][]byte{{0x9C}, props(pStr(0x1F, "moved"), pStr(0x1C, "b:1883"))},
			Packet{Code: 0x9C, Props: []Prop{prop("Reason String", "moved", 0x1F), prop("Server Reference", "b:1883", 0x1C)}}},
		{"auth: data never shown", false, TypeAuth << 4, [][]byte{{0x18}, props(pStr(0x15, "SCRAM-SHA-1"), append([]byte{0x16}, str("server-first")...))},
			Packet{Code: 0x18, Props: []Prop{prop("Authentication Method", "SCRAM-SHA-1", 0x15), prop("Authentication Data", "12 bytes (not shown)", 0x16)}}},
		{"many user properties: bounded", false, TypePuback << 4, [][]byte{{0, 1, 0}, props(many...)}, Packet{ID: 1, Props: manyWant}},
		{"unknown property: malformed", false, TypePuback << 4, [][]byte{{0, 1, 0}, props(pByte(0x7F, 1))}, Packet{ID: 1, Malformed: true}},
		{"maximum QoS 2: malformed", false, TypeConnack << 4, [][]byte{{0, 0}, props(pByte(0x24, 2))},
			Packet{Malformed: true, Props: []Prop{prop("Maximum QoS", "2", 0x24)}}},
		{"property past its list: malformed", false, TypeDisconnect << 4, [][]byte{{0x80, 3}, pStr(0x1F, "abc")}, Packet{Code: 0x80, Malformed: true}},
		{"list past the packet: malformed", false, TypeDisconnect << 4, [][]byte{{0x80, 9}, pByte(0x01, 1)},
			Packet{Code: 0x80, Malformed: true, Props: []Prop{prop("Payload Format Indicator", "UTF-8", 0x01)}}},
		{"five-byte varint: malformed", false, TypePublish << 4, [][]byte{str("t"), {0xff, 0xff, 0xff, 0xff, 0x01}}, Packet{Topic: "t", Malformed: true}},
		{"subscribe with retain handling 3: malformed", true, TypeSubscribe<<4 | 2, [][]byte{{0, 3}, props(), str("a"), {0x30}},
			Packet{ID: 3, Malformed: true, Subs: &SubscriptionFields{Filters: []Subscription{{Filter: "a", QoS: 0}}}}},
	}
	for _, tc := range tests {
		b := pkt(tc.b0, tc.body...)
		want := tc.want
		want.Type, want.Flags, want.Length, want.Out, want.V5 = tc.b0>>4, tc.b0&0xf, len(bytes.Join(tc.body, nil)), tc.out, true
		for _, size := range []int{1, 2, 5, len(b)} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, size), func(t *testing.T) {
				var got []Packet
				d := decoder{fields: true, out: tc.out, level: level5(), emit: func(p Packet) { got = append(got, p) }}
				for i := 0; i < len(b); i += size {
					d.feed(b[i:min(i+size, len(b))])
				}
				if len(got) != 1 {
					t.Fatalf("%d packets", len(got))
				}
				got[0].Time = want.Time
				if !reflect.DeepEqual(got[0], want) {
					t.Errorf("\n got %+v %+v %+v\nwant %+v %+v %+v", got[0], got[0].Connect, got[0].Subs, want, want.Connect, want.Subs)
				}
				n := 0
				for _, p := range got[0].Props {
					n += len(p.Name) + len(p.Value)
				}
				if len(got[0].Props) > MaxProps || n > MaxPropBytes+len(PropsCut) {
					t.Errorf("%d properties, %d bytes", len(got[0].Props), n)
				}
				if len(d.buf) > fieldCap {
					t.Errorf("kept %d bytes", len(d.buf))
				}
			})
		}
	}
}

// The level comes from the CONNECT going out: until then, and after a
// level 4 CONNECT, a PUBLISH is read as MQTT 3.1.1 (its property bytes are
// payload); after a level 5 CONNECT, the other direction reads properties.
func TestDecoderLearnsLevelFromConnect(t *testing.T) {
	pub := pkt(TypePublish<<4, str("t"), props(pPair("k", "v")), []byte("hi"))
	for _, tc := range []struct {
		level     byte
		wantProps int
		wantLen   int
	}{{0, 0, 10}, {4, 0, 10}, {5, 1, 2}} {
		t.Run(fmt.Sprint(tc.level), func(t *testing.T) {
			lv := &protoLevel{}
			out := decoder{out: true, fields: true, level: lv}
			var got Packet
			in := decoder{fields: true, level: lv, emit: func(p Packet) { got = p }}
			if tc.level != 0 {
				body := [][]byte{str("MQTT"), {tc.level, 2, 0, 30}}
				if tc.level == 5 {
					body = append(body, props())
				}
				out.feed(pkt(TypeConnect<<4, append(body, str("me"))...))
			}
			in.feed(pub)
			if len(got.Props) != tc.wantProps || got.PayloadLen != tc.wantLen || got.V5 != (tc.level == 5) || got.Malformed {
				t.Errorf("%+v", got)
			}
		})
	}
}

// Authentication data stays neither in the packet nor in the decoder's buffer.
func TestAuthDataNotKept(t *testing.T) {
	secret := "very-secret-token"
	for _, b := range [][]byte{
		pkt(TypeAuth<<4, []byte{0x18}, props(append([]byte{0x16}, str(secret)...))),
		pkt(TypeConnack<<4, []byte{0, 0}, props(append([]byte{0x16}, str(secret)...))),
	} {
		var got Packet
		d := decoder{fields: true, level: level5(), emit: func(p Packet) { got = p }}
		d.feed(b)
		if bytes.Contains(d.buf[:cap(d.buf)], []byte(secret)) {
			t.Error("the decoder's buffer still holds the authentication data")
		}
		if s := fmt.Sprintf("%+v", got); strings.Contains(s, secret) || len(got.Props) != 1 {
			t.Errorf("packet %s", s)
		}
	}
}
