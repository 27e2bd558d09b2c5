package cli

import (
	"strings"
	"testing"
)

// TestClusterNodesChecked: the same broker under two loopback names is one
// node given twice; a cluster mixing encrypted and plain nodes is refused
// when a user name would go to the plain ones, allowed without one (and
// --print-config says which nodes have no TLS); --shared-sessions (and the
// shared_sessions key) reach the connection. Errors exit 2 and name what
// is wrong.
func TestClusterNodesChecked(t *testing.T) {
	tests := []struct {
		name   string
		config string
		args   []string
		err    string // a usage error, exit 2
		out    string // in --print-config's resolved line
		shared bool
	}{
		{name: "loopback twice", args: []string{"-L", "mqtt://127.0.0.1:1884", "-L", "mqtt://localhost:1884"},
			err: "--url: mqtt://localhost:1884 is given twice (the same broker as an earlier node)"},
		{name: "IPv6 loopback twice", args: []string{"-L", "mqtt://[::1]:1884", "-L", "mqtt://127.0.0.2:1884"}, err: "is given twice"},
		{name: "other ports are other nodes", args: []string{"-L", "mqtt://127.0.0.1:1884", "-L", "mqtt://localhost:1885"},
			out: "cluster of 2 nodes"},
		{name: "URL credentials over a mixed list", args: []string{"-L", "mqtts://u:p@a:8883", "-L", "mqtt://b:1883"},
			err: "--url: the user name and password would go unencrypted to b:1883: give every node of the cluster as mqtts:// (or wss://), or none"},
		{name: "-u over a mixed list", args: []string{"-L", "mqtt://b:1883", "-L", "mqtts://a:8883", "-u", "me"},
			err: "would go unencrypted to b:1883"},
		{name: "a mixed list without credentials", args: []string{"-L", "mqtts://a:8883", "-L", "mqtt://b:1883", "-L", "ws://c:80/mqtt"},
			out: "; TLS on 1 of 3 nodes (not on b:1883, ws://c:80/mqtt)"},
		{name: "all TLS", args: []string{"-L", "mqtts://u:p@a:8883", "-L", "mqtts://b:8883"}, out: "; TLS\n"},
		{name: "separate sessions by default", args: []string{"-L", "mqtt://a", "-L", "mqtt://b", "-c", "-i", "me"},
			out: "; persistent session on one node at a time (a move starts it clean)"},
		{name: "--shared-sessions", args: []string{"-L", "mqtt://a", "-L", "mqtt://b", "-c", "-i", "me", "--shared-sessions"},
			out: "; persistent session shared by the nodes", shared: true},
		{name: "shared_sessions in a profile", config: "[profile.emqx]\nurls = ['mqtt://a', 'mqtt://b']\nshared_sessions = true\n",
			args: []string{"--profile", "emqx", "-c", "-i", "me"}, out: "shared by the nodes", shared: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("XDG_STATE_HOME", t.TempDir())
			writeConfig(t, tc.config, 0o600)
			s, code, errOut := settingsFor(t, tc.args...)
			if tc.err != "" {
				if code != 2 || !strings.Contains(errOut, tc.err) {
					t.Fatalf("exit %d, %q; want 2 and %q", code, errOut, tc.err)
				}
				return
			}
			if code != 0 || connConfig(s).SharedSessions != tc.shared {
				t.Fatalf("exit %d (%s), shared sessions %v; want %v", code, errOut, connConfig(s).SharedSessions, tc.shared)
			}
			code, out, errOut := runApp(t, nil, append(tc.args, "--print-config")...)
			if code != 0 || !strings.Contains(out, tc.out) {
				t.Fatalf("--print-config: exit %d (%s)\n%s\nwant %q", code, errOut, out, tc.out)
			}
		})
	}
}
