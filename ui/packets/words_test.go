package packets

import (
	"strings"
	"testing"

	"mqttchat/mqttconn"
)

// TestWordsV5: MQTT 5 packets in words show their reason codes and
// properties, sanitized, and never authentication data.
func TestWordsV5(t *testing.T) {
	prop := func(id byte, name, v string) mqttconn.Prop { return mqttconn.Prop{ID: id, Name: name, Value: v} }
	tests := []struct {
		name string
		p    mqttconn.Packet
		want string
	}{
		{"puback with a reason string", mqttconn.Packet{Type: mqttconn.TypePuback, V5: true, ID: 7, Code: 0x10,
			Props: []mqttconn.Prop{prop(0x1F, "Reason String", "nobody listens")}},
			"id 7 · no matching subscribers · Reason String: nobody listens"},
		{"puback success", mqttconn.Packet{Type: mqttconn.TypePuback, V5: true, ID: 7}, "id 7"},
		{"publish with a user property", mqttconn.Packet{Type: mqttconn.TypePublish, V5: true, Topic: "a", PayloadLen: 0,
			Props: []mqttconn.Prop{prop(0x26, "User Property", "color=blue"), {Name: mqttconn.PropsCut}}},
			"QoS 0 · a · 0 B · User Property: color=blue · …"},
		{"connack v5", mqttconn.Packet{Type: mqttconn.TypeConnack, V5: true, Code: 0x87}, "not authorized · no session"},
		{"suback v5", mqttconn.Packet{Type: mqttconn.TypeSuback, V5: true, ID: 3, Subs: &mqttconn.SubscriptionFields{Codes: []byte{1, 0x87}}},
			"id 3 · granted QoS 1 · not authorized"},
		{"unsuback v5", mqttconn.Packet{Type: mqttconn.TypeUnsuback, V5: true, ID: 4, Subs: &mqttconn.SubscriptionFields{Codes: []byte{0x11}}},
			"id 4 · no subscription existed"},
		{"subscribe with options", mqttconn.Packet{Type: mqttconn.TypeSubscribe, V5: true, ID: 5, Subs: &mqttconn.SubscriptionFields{Filters: []mqttconn.Subscription{
			{Filter: "a/#", QoS: 1, NoLocal: true, RetainAsPublished: true, RetainHandling: 2}, {Filter: "b"}}}},
			"id 5 · a/# QoS 1 (no local, retain as published, retained: never) · b QoS 0"},
		{"publish through a topic alias", mqttconn.Packet{Type: mqttconn.TypePublish, V5: true, Topic: "", PayloadLen: 2,
			Props: []mqttconn.Prop{prop(0x23, "Topic Alias", "3")}},
			"QoS 0 · 2 B · Topic Alias: 3"},
		{"disconnect normal", mqttconn.Packet{Type: mqttconn.TypeDisconnect, V5: true}, "normal disconnection"},
		{"disconnect 3.1.1", mqttconn.Packet{Type: mqttconn.TypeDisconnect}, ""},
		{"auth", mqttconn.Packet{Type: mqttconn.TypeAuth, V5: true, Code: 0x18,
			Props: []mqttconn.Prop{prop(0x15, "Authentication Method", "SCRAM"), prop(0x16, "Authentication Data", "12 bytes (not shown)")}},
			"continue authentication · Authentication Method: SCRAM · Authentication Data: 12 bytes (not shown)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Words(tc.p); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// A property's value reaches the screen sanitized.
func TestWordsV5Sanitized(t *testing.T) {
	p := mqttconn.Packet{Type: mqttconn.TypeDisconnect, V5: true, Code: 0x80,
		Props: []mqttconn.Prop{{ID: 0x1F, Name: "Reason String", Value: "bad\x1b[2J\x07news"}}}
	got := Words(p)
	if strings.ContainsAny(got, "\x1b\x07") || !strings.Contains(got, "Reason String: bad") || !strings.Contains(got, "news") {
		t.Errorf("%q", got)
	}
}

// TestWordsOverTheCap: a PUBLISH over the size cap says whether it was
// acknowledged — only QoS 1/2 have an acknowledgement.
func TestWordsOverTheCap(t *testing.T) {
	q1 := Words(mqttconn.Packet{Type: mqttconn.TypePublish, Flags: 1 << 1, ID: 7, Topic: "big", PayloadLen: 20 << 20, Dropped: true})
	q0 := Words(mqttconn.Packet{Type: mqttconn.TypePublish, Topic: "big", PayloadLen: 20 << 20, Dropped: true})
	if !strings.Contains(q1, "over the size cap: acknowledged, not shown") {
		t.Errorf("QoS 1: %q", q1)
	}
	if !strings.Contains(q0, "over the size cap: not shown") || strings.Contains(q0, "acknowledged") {
		t.Errorf("QoS 0: %q", q0)
	}
}
