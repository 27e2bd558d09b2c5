package cli

import (
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn"
)

// TestHistoryShowsWhoSent: a history shared by several copies of mqttchat
// on one machine keeps each sent message's properties (the sender's name
// among them), and `mqttchat history` shows a sent message as "you" only
// when it carries our --name (or none); a huge name is cut as on the
// screen.
func TestHistoryShowsWhoSent(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("MQTTCHAT_NAME", "")
	at := time.Now().Add(-time.Minute).Truncate(time.Second)
	named := func(name string) *mqttconn.Properties {
		return &mqttconn.Properties{User: []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: name}}}
	}
	sent := func(id uint64, d time.Duration, text string, p *mqttconn.Properties) mqttconn.Event {
		return mqttconn.Event{Kind: mqttconn.KindPublish, OutID: id, State: mqttconn.StateQueued, Time: at.Add(d),
			Message: mqttconn.Message{Topic: "room", Payload: []byte(text), QoS: 1, Time: at.Add(d), Properties: p}}
	}
	writeHistory(t, "tcp://a:1883",
		sent(1, 0, "from alice", named("alice")),
		sent(2, time.Second, "from bob", named("bob")),
		sent(3, 2*time.Second, "nameless", nil),
		mqttconn.Event{Kind: mqttconn.KindMessage, Time: at.Add(3 * time.Second), Message: mqttconn.Message{Topic: "room", Payload: []byte("long"),
			Time: at.Add(3 * time.Second), Properties: named(strings.Repeat("N", 60000))}})
	capped := "◀ " + strings.Repeat("N", 23) + "… ▸ room long"
	for _, tc := range []struct {
		args []string
		env  string
		want []string
	}{
		{[]string{"--name", "alice"}, "", []string{"▶ you → room q1 from alice (queued)", "▶ bob → room q1 from bob (queued)", "▶ you → room q1 nameless (queued)", capped}},
		{nil, "bob", []string{"▶ alice → room q1 from alice (queued)", "▶ you → room q1 from bob (queued)", "▶ you → room q1 nameless (queued)", capped}},
		{nil, "", []string{"▶ alice → room q1 from alice (queued)", "▶ bob → room q1 from bob (queued)", "▶ you → room q1 nameless (queued)", capped}},
	} {
		t.Setenv("MQTTCHAT_NAME", tc.env)
		code, out, errOut := runCLI(t, append([]string{"history", "-h", "a"}, tc.args...)...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || len(lines) != len(tc.want) {
			t.Fatalf("%v name %q: exit %d, %s\n%s", tc.args, tc.env, code, errOut, out)
		}
		for i, want := range tc.want {
			if !strings.HasSuffix(lines[i], want) {
				t.Errorf("%v name %q: line %d %q, want it to end %q", tc.args, tc.env, i, lines[i], want)
			}
		}
	}
	_, out, _ := runCLI(t, "history", "-h", "a", "--format", "json")
	if !strings.Contains(out, `"dir":"out","topic":"room","qos":1,"payloadlen":10,"properties":{"user-properties":[{"mqttchat-name":"alice"}]},"payload":"from alice"`) {
		t.Fatalf("json lacks the sent message's properties:\n%.600s", out)
	}
}
