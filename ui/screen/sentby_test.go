package screen

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
)

// TestSentMessageShowsItsSender: a message we sent shows as "you" when it
// carries our own name (or none), and as its sender's when it names
// another (another copy of mqttchat sharing the history sent it): live and
// replayed, in the list and in the detail view, whose properties block
// shows what went out.
func TestSentMessageShowsItsSender(t *testing.T) {
	named := func(name string) *mqttconn.Properties {
		return &mqttconn.Properties{ContentType: "text/plain", User: []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: name}}}
	}
	tests := []struct {
		name    string
		us      string // Options.Name
		props   *mqttconn.Properties
		row     string
		header  string
		propRow string // a line of the properties block, "" for no block
	}{
		{"our own name", "alice", named("alice"), "▶ you → chat q1 [props] hello", "▶ sent by you · acknowledged · chat", "user property     mqttchat-name = alice"},
		{"another copy's name", "bob", named("alice"), "▶ alice → chat q1 [props] hello", "▶ sent by alice · acknowledged · chat", "user property     mqttchat-name = alice"},
		{"a name, none now", "", named("alice"), "▶ alice → chat q1 [props] hello", "▶ sent by alice · acknowledged", "content type      text/plain"},
		{"a hostile name", "", named("ev\x1b[31mil"), "▶ ev␛[31mil → chat q1 [props] hello", "▶ sent by ev␛[31mil · acknowledged", "mqttchat-name = ev␛[31mil"},
		{"no name", "alice", nil, "▶ you → chat q1 hello", "▶ sent by you · acknowledged", ""},
	}
	for _, tt := range tests {
		for _, how := range []string{"live", "replayed"} {
			t.Run(tt.name+"/"+how, func(t *testing.T) {
				ev := mqttconn.Event{Kind: mqttconn.KindPublish, Time: t0, OutID: 1, State: mqttconn.StateAcked,
					Message: mqttconn.Message{Topic: "chat", Payload: []byte("hello"), QoS: 1, Time: t0, Properties: tt.props}}
				opts := Options{Name: tt.us, MQTT5: true}
				if how == "replayed" {
					opts.Earlier = replayed(ev)
				}
				m := New(newFakeConn(), opts)
				m = step(m, tea.WindowSizeMsg{Width: 100, Height: 30})
				if how == "live" {
					queued := ev
					queued.State = mqttconn.StateQueued
					m = step(m, batch(queued, mqttconn.Event{Kind: mqttconn.KindPublish, Time: t0, OutID: 1, State: mqttconn.StateAcked}))
				}
				if v := plain(m); !strings.Contains(v, tt.row) {
					t.Fatalf("row: want %q in\n%s", tt.row, v)
				}
				m, _ = openLast(t, m)
				v := plain(m)
				if !strings.Contains(v, tt.header) {
					t.Fatalf("detail: want %q in\n%s", tt.header, v)
				}
				if tt.propRow != "" && !strings.Contains(v, tt.propRow) || tt.propRow == "" && strings.Contains(v, "user property") {
					t.Fatalf("detail: want properties line %q in\n%s", tt.propRow, v)
				}
				if strings.Contains(m.View(), "\x1b[31mil") {
					t.Fatal("the name's escape reached the terminal")
				}
			})
		}
	}
}
