package history

import (
	"errors"
	"testing"

	"mqttchat/mqttconn"
)

// TestEventRecordsNameTheNode: in a cluster, the history's connection
// events say which node they happened on (and a connection where it moved
// from, and whether it started clean); for a single broker they read as
// before.
func TestEventRecordsNameTheNode(t *testing.T) {
	boom := errors.New("the broker closed the connection")
	tests := []struct {
		name string
		ev   mqttconn.Event
		want string
	}{
		{"connecting, single", mqttconn.Event{Kind: mqttconn.KindConnecting, Attempt: 2, Node: "a:1", Nodes: 1}, "attempt 2"},
		{"connecting, cluster", mqttconn.Event{Kind: mqttconn.KindConnecting, Attempt: 2, Node: "b:2", Nodes: 2}, "attempt 2 on node b:2"},
		{"connected, single", mqttconn.Event{Kind: mqttconn.KindConnected, SessionPresent: true, Node: "a:1", Nodes: 1}, "session present"},
		{"connected, single, clean", mqttconn.Event{Kind: mqttconn.KindConnected, Node: "a:1", Nodes: 1}, ""},
		{"moved, clean start", mqttconn.Event{Kind: mqttconn.KindConnected, Node: "b:2", Nodes: 2, MovedFrom: "a:1", CleanStart: true},
			"on node b:2 (moved from a:1); clean start: the nodes share no session"},
		{"moved, shared session", mqttconn.Event{Kind: mqttconn.KindConnected, Node: "b:2", Nodes: 2, MovedFrom: "a:1", SessionPresent: true},
			"on node b:2 (moved from a:1); session present"},
		{"failed, cluster", mqttconn.Event{Kind: mqttconn.KindConnectFailed, Node: "b:2", Nodes: 2, Err: boom}, "node b:2: the broker closed the connection"},
		{"lost, cluster", mqttconn.Event{Kind: mqttconn.KindLost, Node: "a:1", Nodes: 3, Err: boom}, "node a:1: the broker closed the connection"},
		{"lost, single", mqttconn.Event{Kind: mqttconn.KindLost, Node: "a:1", Nodes: 1, Err: boom}, "the broker closed the connection"},
		{"one filter", mqttconn.Event{Kind: mqttconn.KindResubscribed, Count: 1}, "1 filter"},
		{"two filters", mqttconn.Event{Kind: mqttconn.KindResubscribed, Count: 2}, "2 filters"},
	}
	for _, tt := range tests {
		r, ok := recordOf(tt.ev)
		if !ok || r.Text != tt.want {
			t.Errorf("%s: %q (%v), want %q", tt.name, r.Text, ok, tt.want)
		}
	}
}
