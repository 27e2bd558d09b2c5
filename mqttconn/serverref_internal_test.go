package mqttconn

import (
	"slices"
	"strings"
	"testing"
)

// TestParseServerRefs: the format is not specified; what is not a host
// (control characters, garbage, a bad port) is skipped, credentials and
// schemes of the broker's choosing are dropped.
func TestParseServerRefs(t *testing.T) {
	tests := []struct {
		raw  string
		want []string
	}{
		{"b.example", []string{"b.example"}},
		{"b.example:1884", []string{"b.example:1884"}},
		{"10.0.0.2:8883 [fe80::1]:1883", []string{"10.0.0.2:8883", "[fe80::1]:1883"}},
		{"a:1,b:2", []string{"a:1", "b:2"}},
		{"mqtt://u:p@c:1/x", []string{"c:1"}},
		{"[::1]", []string{"[::1]"}},
		{"evil\x1b]0;t\x07:1 ok:2", []string{"ok:2"}},
		{"a:99999 b:x c:0 d:3", []string{"d:3"}},
		{"fe80::1", []string{"[fe80::1]"}}, // a bare IPv6 address: no port
		{"   ", nil},
		{strings.Repeat("h ", 20), []string{"h", "h", "h", "h", "h", "h", "h", "h"}},
	}
	for _, tc := range tests {
		got := parseServerRefs(tc.raw)
		if len(got) != len(tc.want) || (len(got) > 0 && !slices.Equal(got, tc.want)) {
			t.Errorf("%q: got %q, want %q", tc.raw, got, tc.want)
		}
	}
}

// TestFollowable: a reference keeps our scheme and default port, and is
// never followed with credentials over plain TCP or WebSocket to a host the
// broker chose; a configured node or TLS is fine.
func TestFollowable(t *testing.T) {
	nodes := []string{"tcp://a:1883", "tcp://b:1883"}
	tests := []struct {
		name, raw, from string
		creds           bool
		server, refused string
	}{
		{"plain, no credentials", "c", "tcp://a:1883", false, "tcp://c:1883", ""},
		{"plain with credentials", "c:1884", "tcp://a:1883", true, "", "unencrypted"},
		{"a configured node with credentials", "b:1883", "tcp://a:1883", true, "tcp://b:1883", ""},
		{"TLS with credentials", "c", "ssl://a:8883", true, "ssl://c:8883", ""},
		{"the scheme stays ours", "mqtt://c:1", "ssl://a:8883", true, "ssl://c:1", ""},
		{"websocket keeps its path", "c:9001", "ws://a:80/mqtt", false, "ws://c:9001/mqtt", ""},
		{"plain websocket with credentials", "c", "ws://a:80/mqtt", true, "", "unencrypted"},
		{"nothing readable", "\x00\x01", "tcp://a:1883", false, "", "no host"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ref := followable(tc.raw, ReasonCodeServerMoved, tc.from, nodes, tc.creds)
			if ref.Server != tc.server || (tc.refused == "") != (ref.Refused == "") || !strings.Contains(ref.Refused, tc.refused) {
				t.Fatalf("server %q, refused %q; want %q, %q", ref.Server, ref.Refused, tc.server, tc.refused)
			}
		})
	}
}
