package history

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn"
)

// everyProperty is a message's every MQTT 5 property, with a repeated user
// property key and the sender's name.
func everyProperty() *mqttconn.Properties {
	return &mqttconn.Properties{
		PayloadFormat: 1, ContentType: "application/json", ResponseTopic: "chat/replies/alice",
		CorrelationData: []byte("req-42"), MessageExpiry: 60 * time.Second,
		User: []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: "bob"}, {Key: "k", Value: "v1"}, {Key: "k", Value: "v2"},
			{Key: `a"b`, Value: "é\u202e"}},
		SubscriptionIDs: []int{7}, TopicAlias: 3,
	}
}

// TestPropertiesJSONFollowsMosquittoSub: the stored form is mosquitto_sub
// -F %j's "properties" object, before the payload.
func TestPropertiesJSONFollowsMosquittoSub(t *testing.T) {
	r := Record{Time: t0, Dir: DirIn, Topic: "room", QoS: 1, Payload: []byte("hi"), HasPayload: true, Properties: everyProperty()}
	got := string(r.AppendJSON(nil))
	want := `"payloadlen":2,"properties":{"payload-format-indicator":1,"message-expiry-interval":60,` +
		`"content-type":"application/json","response-topic":"chat/replies/alice","correlation-data":"req-42",` +
		`"user-properties":[{"mqttchat-name":"bob"},{"k":"v1"},{"k":"v2"},{"a\"b":"é\u202e"}],` +
		`"topic-alias":3,"subscription-identifier":7},"payload":"hi"}` + "\n"
	if !strings.HasSuffix(got, want) {
		t.Fatalf("got  %s\nwant …%s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Fatalf("not JSON: %s", got)
	}
}

// TestPropertiesRoundTrip: what is written reads back the same through
// both decoders, and a line without properties reads as none.
func TestPropertiesRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props *mqttconn.Properties
		want  string // in the line
	}{
		{"none", nil, `"payloadlen":2,"payload":"hi"`},
		{"empty is none", &mqttconn.Properties{}, `"payloadlen":2,"payload":"hi"`},
		{"every property", everyProperty(), `"correlation-data":"req-42"`},
		{"name only", &mqttconn.Properties{User: []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: "alice"}}}, `"properties":{"user-properties":[{"mqttchat-name":"alice"}]}`},
		{"binary correlation data", &mqttconn.Properties{CorrelationData: []byte{0, 0xff, 'x'}}, `"properties":{"correlation-data_b64":"AP94"}`},
		{"control bytes in correlation data", &mqttconn.Properties{CorrelationData: []byte("a\x1b[2J\n")}, `"correlation-data":"a\u001b[2J\n"`},
		{"several subscription ids", &mqttconn.Properties{SubscriptionIDs: []int{1, maxSubscriptionID}}, `"subscription-identifier":[1,268435455]`},
		{"largest numbers", &mqttconn.Properties{PayloadFormat: 255, MessageExpiry: 0xFFFFFFFF * time.Second, TopicAlias: 0xFFFF},
			`{"payload-format-indicator":255,"message-expiry-interval":4294967295,"topic-alias":65535}`},
		{"format indicator alone", &mqttconn.Properties{PayloadFormat: 1}, `"properties":{"payload-format-indicator":1}`},
		{"empty user property", &mqttconn.Properties{User: []mqttconn.UserProperty{{}}}, `"user-properties":[{"":""}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, dir := range []string{DirIn, DirOut} {
				r := Record{Time: t0, Dir: dir, Topic: "room", Payload: []byte("hi"), HasPayload: true, Properties: tc.props, ID: 1}
				line := bytes.TrimSuffix(r.AppendJSON(nil), []byte("\n"))
				if !bytes.Contains(line, []byte(tc.want)) {
					t.Fatalf("line %s lacks %s", line, tc.want)
				}
				fast, ok := decodeLine(line)
				if !ok {
					t.Fatalf("the fast decoder refused %s", line)
				}
				slow, err := parseRecord(line)
				if err != nil {
					t.Fatal(err)
				}
				want := tc.props
				if emptyProperties(want) {
					want = nil
				}
				for name, got := range map[string]*mqttconn.Properties{"fast": fast.Properties, "encoding/json": slow.Properties} {
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s read %+v, want %+v", name, got, want)
					}
				}
			}
		})
	}
}

// TestPropertiesOtherForms: lines in forms the writer does not write
// (spaces, another order, an array of one id, mosquitto 2.0.11's object of
// user properties) are read by encoding/json, or refused whole; where the
// fast decoder takes one, it reads the same.
func TestPropertiesOtherForms(t *testing.T) {
	head := `{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":0,"payloadlen":1,`
	for _, tc := range []struct {
		props string
		want  *mqttconn.Properties // nil: corrupt
	}{
		{`"properties":{ "content-type" : "text/plain" }`, &mqttconn.Properties{ContentType: "text/plain"}},
		{`"properties":{"topic-alias":2,"content-type":"x"}`, &mqttconn.Properties{ContentType: "x", TopicAlias: 2}},
		{`"properties":{"subscription-identifier":[5]}`, &mqttconn.Properties{SubscriptionIDs: []int{5}}},
		{`"properties":{"user-properties":[{"k":"1"},{"k":"2"}],"correlation-data":""}`, &mqttconn.Properties{User: []mqttconn.UserProperty{{Key: "k", Value: "1"}, {Key: "k", Value: "2"}}}},
		{`"properties":{"subscription-identifier":0}`, nil},
		{`"properties":{"subscription-identifier":268435456}`, nil},
		{`"properties":{"payload-format-indicator":256}`, nil},
		{`"properties":{"topic-alias":-1}`, nil},
		{`"properties":{"correlation-data_b64":"!"}`, nil},
		{`"properties":{"user-properties":[{"a":"1","b":"2"}]}`, nil},
		{`"properties":{"user-properties":{"k":"v"}}`, nil},
	} {
		line := []byte(head + tc.props + `,"payload":"x"}`)
		r, err := parseRecord(line)
		if fast, ok := decodeLine(line); ok && (err != nil || !reflect.DeepEqual(fast.Properties, r.Properties)) {
			t.Fatalf("the fast decoder read %s as %+v", line, fast.Properties)
		}
		if tc.want == nil {
			if err == nil {
				t.Fatalf("%s read as %+v", tc.props, r.Properties)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(r.Properties, tc.want) {
			t.Fatalf("%s: %+v, %v", tc.props, r.Properties, err)
		}
	}
}

// TestPropertiesSurviveTheHistory: a received and a sent message with
// properties, and one without, written by the writer, read back by Tail
// (a long one by its head only) and Scan as the events they were: the
// replay and a search show what the live screen showed.
func TestPropertiesSurviveTheHistory(t *testing.T) {
	dir := t.TempDir()
	props := everyProperty()
	in := inEvent("room", []byte("hello"), time.Second)
	in.Message.Properties = props
	long := inEvent("room", bytes.Repeat([]byte("x"), 2*longLine), 2*time.Second)
	long.Message.Properties = props
	plain := inEvent("room", []byte("old style"), 3*time.Second)
	sent := mqttconn.Message{Topic: "room", Payload: []byte("mine"), QoS: 1, Time: t0.Add(4 * time.Second),
		Properties: &mqttconn.Properties{ContentType: "text/plain"}}
	out := mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateSending, Message: sent, Time: sent.Time}
	writeAll(t, dir, Options{}, in, long, plain, out)

	recs, _, err := Tail(dir, 10)
	if err != nil || len(recs) != 4 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	if !recs[1].Partial {
		t.Fatal("the long record was read whole: the test does not test the head")
	}
	wants := []*mqttconn.Properties{props, props, nil, sent.Properties}
	for i, r := range recs {
		ev, ok := r.AsEvent()
		if !ok || !reflect.DeepEqual(ev.Message.Properties, wants[i]) {
			t.Fatalf("record %d: %+v", i, ev.Message.Properties)
		}
	}
	if ev, _ := recs[0].AsEvent(); ev.Message.Sender() != "bob" {
		t.Fatalf("sender %q", ev.Message.Sender())
	}
	n := 0
	if _, err := Scan([]string{dir}, func(r Record) bool {
		if !reflect.DeepEqual(r.Properties, wants[n]) {
			t.Fatalf("Scan, record %d: %+v", n, r.Properties)
		}
		n++
		return true
	}); err != nil || n != 4 {
		t.Fatalf("Scan read %d, %v", n, err)
	}
}

// TestAppendJSONAllocatesNothing: the write path stays allocation-free,
// with properties or without.
func TestAppendJSONAllocatesNothing(t *testing.T) {
	for _, props := range []*mqttconn.Properties{nil, everyProperty(), {CorrelationData: []byte{0xff}, SubscriptionIDs: []int{1, 2}}} {
		r := Record{Time: t0, Dir: DirIn, Topic: "room", Payload: []byte("hello"), HasPayload: true, Properties: props}
		buf := make([]byte, 0, 4096)
		if n := testing.AllocsPerRun(100, func() { buf = r.AppendJSON(buf[:0]) }); n != 0 {
			t.Fatalf("%v allocations per record with %+v", n, props)
		}
	}
}

// BenchmarkAppendJSONProperties encodes a 64-byte message's record with
// every MQTT 5 property (compare BenchmarkAppendJSON64, without).
func BenchmarkAppendJSONProperties(b *testing.B) {
	r := Record{Time: time.Now(), Dir: DirIn, Topic: "flood/sensor/1234", Payload: []byte(strings.Repeat("abcdefgh", 8)), HasPayload: true,
		Properties: everyProperty()}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = r.AppendJSON(buf[:0])
	}
}

// TestOutboxKeepsProperties: a message waiting in a persistent session's
// outbox is sent after a restart with the properties it was given.
func TestOutboxKeepsProperties(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions", "b__c.outbox")
	o, _, err := OpenOutbox(path)
	if err != nil {
		t.Fatal(err)
	}
	props := &mqttconn.Properties{ContentType: "text/plain", ResponseTopic: "r", CorrelationData: []byte{1, 2},
		MessageExpiry: time.Minute, User: []mqttconn.UserProperty{{Key: "k", Value: "v"}}}
	o.Add(1, mqttconn.Message{Topic: "a", Payload: []byte("one"), QoS: 1, Properties: props})
	o.Add(2, mqttconn.Message{Topic: "b", Payload: []byte("two"), QoS: 1})
	o.Close()
	for range 2 { // read back, and again after the rewrite
		o, msgs, err := OpenOutbox(path)
		if err != nil || len(msgs) != 2 {
			t.Fatalf("%d messages, %v", len(msgs), err)
		}
		if !reflect.DeepEqual(msgs[0].Properties, props) || msgs[1].Properties != nil {
			t.Fatalf("restored %+v and %+v", msgs[0].Properties, msgs[1].Properties)
		}
		o.Close()
	}
}
