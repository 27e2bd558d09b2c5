package packettrace

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/ui/sanitize"
)

// lockedBuffer is a bytes.Buffer that can hold writes back.
type lockedBuffer struct {
	mu   sync.Mutex
	b    bytes.Buffer
	gate chan struct{}
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	if l.gate != nil {
		<-l.gate
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func lines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func TestRecords(t *testing.T) {
	at := time.Now()
	pub := mqttconn.Packet{Time: at, Out: true, Type: mqttconn.TypePublish, Flags: 2<<1 | 1, ID: 9, Topic: "a/b", PayloadLen: 5}
	pub.PreviewLen = uint8(copy(pub.Preview[:], "hello"))
	bin := mqttconn.Packet{Time: at, Type: mqttconn.TypePublish, Topic: "x", PayloadLen: 2}
	bin.PreviewLen = uint8(copy(bin.Preview[:], "\xff\x00"))
	tests := []struct {
		p    mqttconn.Packet
		want string
	}{
		{mqttconn.Packet{Time: at, Out: true, Type: mqttconn.TypeConnect, Connect: &mqttconn.ConnectFields{Protocol: "MQTT", Level: 4, KeepAlive: 2,
			ClientID: "me", Username: true, Password: true}},
			`"connect":{"protocol":"MQTT","level":4,"clean_session":false,"keep_alive":2,"client_id":"me","username_present":true,"password_present":true}`},
		{mqttconn.Packet{Time: at, Type: mqttconn.TypeConnack, Length: 2, Code: 5}, `"code":5,"code_text":"not authorised","session_present":false`},
		{pub, `"dir":"out","type":"PUBLISH","length":0,"id":9,"qos":2,"retain":true,"topic":"a/b","payload_length":5,"preview":"hello"`},
		{bin, `"preview_b64":"/wA="`},
		{mqttconn.Packet{Time: at, Type: mqttconn.TypePubrec, ID: 9}, `"type":"PUBREC","length":0,"id":9}`},
		{mqttconn.Packet{Time: at, Out: true, Type: mqttconn.TypeSubscribe, ID: 1, Subs: &mqttconn.SubscriptionFields{Filters: []mqttconn.Subscription{{Filter: "a/#", QoS: 2}}}},
			`"filters":[{"filter":"a/#","qos":2}]`},
		{mqttconn.Packet{Time: at, Type: mqttconn.TypeSuback, ID: 1, Subs: &mqttconn.SubscriptionFields{Codes: []byte{2, 0x80}}}, `"codes":[2,128]`},
		{mqttconn.Packet{Time: at, Type: mqttconn.TypePingresp}, `"type":"PINGRESP","length":0}`},
		// MQTT 5: reason codes and properties, sanitized.
		{mqttconn.Packet{Time: at, Type: mqttconn.TypePuback, V5: true, ID: 7, Code: 0x10,
			Props: []mqttconn.Prop{{ID: 0x1F, Name: "Reason String", Value: "nobody\x1b[2J listens"}}},
			`"id":7,"code":16,"code_text":"no matching subscribers","mqtt5":true,"properties":[{"id":31,"name":"Reason String","value":"nobody` +
				sanitize.String("\x1b") + `[2J listens"}]`},
		{mqttconn.Packet{Time: at, Type: mqttconn.TypePublish, V5: true, Topic: "t",
			Props: []mqttconn.Prop{{ID: 0x26, Name: "User Property", Value: "color=blue"}, {Name: mqttconn.PropsCut}}},
			`"properties":[{"id":38,"name":"User Property","value":"color=blue"},{"name":"…"}]`},
		{mqttconn.Packet{Time: at, Type: mqttconn.TypeAuth, V5: true, Code: 0x18,
			Props: []mqttconn.Prop{{ID: 0x16, Name: "Authentication Data", Value: "4 bytes (not shown)"}}},
			`"type":"AUTH","length":0,"code":24,"code_text":"continue authentication","mqtt5":true`},
		{mqttconn.Packet{Time: at, Type: mqttconn.TypeUnsuback, V5: true, ID: 2, Subs: &mqttconn.SubscriptionFields{Codes: []byte{0x11}}}, `"id":2,"codes":[17]`},
		{mqttconn.Packet{Time: at, Type: mqttconn.TypeConnack, V5: true, Code: 0x87}, `"code":135,"code_text":"not authorized"`},
	}
	for _, tc := range tests {
		b, err := json.Marshal(Record(tc.p))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), tc.want) {
			t.Errorf("%s\nlacks %s", b, tc.want)
		}
	}
}

// Written in order from its own goroutine; a writer that cannot keep up
// drops packets, counted in the last line; Observe never waits.
func TestWriterDropsAndEnds(t *testing.T) {
	buf := &lockedBuffer{gate: make(chan struct{})}
	w := New(buf)
	n := QueueSize + 500
	start := time.Now()
	for i := range n {
		w.Observe(mqttconn.Packet{Type: mqttconn.TypePuback, ID: uint16(i)})
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Logf("observing took %v", d) // not asserted: a timing
	}
	close(buf.gate)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ls := lines(t, buf.b.String())
	end := ls[len(ls)-1]
	written, dropped := end["written"].(float64), end["dropped"].(float64)
	if end["end"] != true || int(written)+int(dropped) != n || dropped < 1 || int(written) != len(ls)-1 {
		t.Fatalf("end line %v after %d lines", end, len(ls))
	}
	for i, l := range ls[:len(ls)-1] {
		if i > 0 && l["id"].(float64) <= ls[i-1]["id"].(float64) {
			t.Fatalf("out of order at %d", i)
		}
	}
	w.Observe(mqttconn.Packet{}) // after Close: neither blocks nor panics
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
