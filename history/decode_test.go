package history

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"mqttchat/mqttconn"
)

// sameRecord compares what a line decodes to.
func sameRecord(a, b Record) bool {
	return a.Time.Equal(b.Time) && a.Time.Location().String() == b.Time.Location().String() &&
		a.Dir == b.Dir && a.Topic == b.Topic && a.QoS == b.QoS && a.Retain == b.Retain && a.Dup == b.Dup &&
		bytes.Equal(a.Payload, b.Payload) && a.PayloadLen == b.PayloadLen && a.ID == b.ID && a.State == b.State &&
		a.Event == b.Event && a.Text == b.Text && a.HasPayload == b.HasPayload && a.Partial == b.Partial &&
		reflect.DeepEqual(a.Properties, b.Properties)
}

// fuzzProperties makes a message's properties from fuzzed values: none for
// some, repeated user property keys, one or two subscription ids.
func fuzzProperties(ctype string, corr []byte, ukey, uval string, num uint32) *mqttconn.Properties {
	if num%5 == 0 {
		return nil
	}
	p := &mqttconn.Properties{PayloadFormat: byte(num), MessageExpiry: time.Duration(num>>1) * time.Second,
		ContentType: ctype, ResponseTopic: uval, CorrelationData: corr, TopicAlias: uint16(num >> 3),
		User: []mqttconn.UserProperty{{Key: ukey, Value: uval}, {Key: ukey, Value: ctype}}}
	switch num % 3 {
	case 1:
		p.SubscriptionIDs = []int{int(num)}
	case 2:
		p.SubscriptionIDs = []int{int(num % maxSubscriptionID), 1}
	}
	return p
}

// FuzzDecodeLine checks the fast decoder against encoding/json: on any line
// it accepts, parseRecord (encoding/json) accepts it too and reads the same
// record; and every line the writer writes, it accepts.
func FuzzDecodeLine(f *testing.F) {
	for _, s := range []string{
		`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":1,"payloadlen":2,"payload":"hi"}`,
		`{"tst":"2026-11-26T09:00:00.5Z","dir":"in","topic":"a\"b\\c\u0001\u009b\u202e\u2028","qos":0,"retain":true,"dup":true,"payloadlen":3,"payload":"\n\t\r"}`,
		`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic_b64":"/w==","qos":0,"payloadlen":1,"payload_b64":"/w=="}`,
		`{"tst":"2026-11-26T09:00:00Z","dir":"out","topic":"x","qos":2,"payloadlen":0,"payload":"","id":3,"state":"queued"}`,
		`{"tst":"2026-11-26T09:00:00Z","dir":"out","id":3,"state":"failed","text":"why \u00e9"}`,
		`{"tst":"2026-11-26T09:00:00Z","dir":"event","event":"subscribed","topic":"a/#","qos":1}`,
		`{"tst":"2026-11-26T09:00:00Z","dir":"event","topic":"a/#","qos":1,"event":"subscribed"}`,
		`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"\ud83d\ude00","qos":0,"payloadlen":1,"payload":"\/"}`,
		`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":01,"payloadlen":1,"payload":"x"}`,
		`{"TST":"2026-11-26T09:00:00Z","dir":"in"}`,
		`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":1,"payloadlen":2,"properties":{"payload-format-indicator":1,"message-expiry-interval":60,"content-type":"application/json","response-topic":"r/t","correlation-data":"req\u0001","user-properties":[{"mqttchat-name":"bob"},{"k":"v"},{"k":"\u202e"}],"topic-alias":3,"subscription-identifier":7},"payload":"hi"}`,
		`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":0,"payloadlen":1,"properties":{"correlation-data_b64":"/w==","subscription-identifier":[1,268435455]},"payload":"x"}`,
		`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":0,"payloadlen":1,"properties":{"subscription-identifier":[5]},"payload":"x"}`,
		`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":0,"payloadlen":1,"properties":{"user-properties":[{"k":"1","k":"2"}]},"payload":"x"}`,
		`{"tst":"2026-11-26T09:00:00Z","dir":"out","topic":"x","qos":2,"payloadlen":0,"properties":{},"payload":"","id":3,"state":"queued"}`,
	} {
		f.Add([]byte(s), "t", []byte("p"), uint8(1), true, uint64(1), "s", "text/plain", []byte("c"), "k", "v", uint32(7))
	}
	f.Fuzz(func(t *testing.T, line []byte, topic string, payload []byte, qos uint8, retain bool, id uint64, text string,
		ctype string, corr []byte, ukey, uval string, num uint32) {
		if fast, ok := decodeLine(line); ok {
			slow, err := parseRecord(line)
			if err != nil {
				t.Fatalf("fast decoder accepted %q, encoding/json refused it: %v", line, err)
			}
			if !sameRecord(fast, slow) {
				t.Fatalf("%q:\nfast %+v\nslow %+v", line, fast, slow)
			}
		}
		// What the writer writes, the fast decoder reads, as encoding/json does.
		dirs := []string{DirIn, DirOut, DirEvent}
		r := Record{Time: time.Unix(0, int64(id)).UTC(), Dir: dirs[int(qos)%3], Topic: topic, QoS: qos % 3, Retain: retain,
			Payload: payload, HasPayload: qos%3 != 2, ID: id, State: text, Text: text,
			Properties: fuzzProperties(ctype, corr, ukey, uval, num)}
		written := bytes.TrimSuffix(r.AppendJSON(nil), []byte("\n"))
		fast, ok := decodeLine(written)
		slow, err := parseRecord(written)
		if err != nil {
			t.Fatalf("written line %q does not parse: %v", written, err)
		}
		if !ok {
			t.Fatalf("fast decoder refused the written line %q", written)
		}
		if !sameRecord(fast, slow) {
			t.Fatalf("%q:\nfast %+v\nslow %+v", written, fast, slow)
		}
		// A cut head decodes to the start of the payload.
		if r.HasPayload && len(written) > 10 {
			head := written[:len(written)*2/3]
			if h, ok := decodeHead(head); ok && h.Partial && (!bytes.HasPrefix(slow.Payload, h.Payload) || h.Topic != slow.Topic ||
				h.PayloadLen != slow.PayloadLen || !reflect.DeepEqual(h.Properties, slow.Properties)) {
				t.Fatalf("head %q: %+v", head, h)
			}
		}
	})
}

func BenchmarkDecodeLine(b *testing.B) {
	r := Record{Time: t0, Dir: DirIn, Topic: "plant/3/line7/sensor5", Payload: bytes.Repeat([]byte("a"), 180), HasPayload: true}
	line := bytes.TrimSuffix(r.AppendJSON(nil), []byte("\n"))
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		for b.Loop() {
			if _, ok := decodeLine(line); !ok {
				b.Fatal("refused")
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		for b.Loop() {
			if _, err := parseRecord(line); err != nil {
				b.Fatal(err)
			}
		}
	})
}
