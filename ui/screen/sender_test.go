package screen

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
)

// TestSenderNameIsShown: a received message that carries a sender's name
// (MQTT 5) shows it before the topic, sanitized; one without shows none.
func TestSenderNameIsShown(t *testing.T) {
	named := func(name string) *mqttconn.Properties {
		return &mqttconn.Properties{User: []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: name}}}
	}
	for _, tc := range []struct {
		name  string
		props *mqttconn.Properties
		want  string
	}{
		{"named", named("alice"), "◀ alice ▸ room hello"},
		{"hostile name", named("ev\x1b[31mil"), "◀ ev␛[31mil ▸ room hello"},
		{"no name", nil, "◀ room hello"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newMessageEntry(entryIn, mqttconn.Message{Topic: "room", Payload: []byte("hello"), Time: t0, Properties: tc.props}, analysis{})
			lines, _ := e.lines(80, 1, testStyles())
			raw := strings.Join(lines, "\n")
			got := ansi.Strip(raw)
			if !strings.Contains(got, tc.want) || strings.Contains(raw, "\x1b[31mil") {
				t.Fatalf("row %q, want it to hold %q", got, tc.want)
			}
		})
	}
}
