package cli

import (
	"slices"
	"strings"
	"testing"

	"mqttchat/history"
	"mqttchat/mqttconn/brokertest"
)

// TestClusterSettings: -L repeated and a profile's urls list name the
// nodes of one cluster, in order; the credentials of a URL apply to all;
// bad combinations are usage errors (exit 2) that name what is wrong.
func TestClusterSettings(t *testing.T) {
	certs := brokertest.MakeCerts(t)
	tests := []struct {
		name    string
		config  string
		args    []string
		servers []string
		user    string
		err     string
	}{
		{name: "flags", args: []string{"-L", "mqtt://a:1", "-L", "mqtt://b:2"}, servers: []string{"tcp://a:1", "tcp://b:2"}},
		{name: "one URL is one broker", args: []string{"-L", "mqtt://a:1"}, servers: []string{"tcp://a:1"}},
		{name: "credentials apply to every node", args: []string{"-L", "mqtt://u:p@a:1", "-L", "mqtt://b:2"}, servers: []string{"tcp://a:1", "tcp://b:2"}, user: "u"},
		{name: "profile urls", config: "[profile.prod]\nurls = ['mqtts://a:8883', 'mqtts://b:8883']\n", args: []string{"--profile", "prod"}, servers: []string{"ssl://a:8883", "ssl://b:8883"}},
		{name: "config url list", config: "url = ['mqtt://a', 'mqtt://b']\n", servers: []string{"tcp://a:1883", "tcp://b:1883"}},
		{name: "flags replace the profile's nodes", config: "[profile.prod]\nurls = ['mqtt://a', 'mqtt://b']\n", args: []string{"--profile", "prod", "-L", "mqtt://c"}, servers: []string{"tcp://c:1883"}},
		{name: "a bad URL is named", args: []string{"-L", "mqtt://a:1", "-L", "mqtt://u:secret@b:99999"}, err: "--url: port 99999 is out of range (1-65535) (node 2 of 2: mqtt://u:****@b:99999)"},
		{name: "a node twice", args: []string{"-L", "mqtt://a:1", "-L", "tcp://a:1"}, err: "--url: tcp://a:1 is given twice"},
		{name: "-h names one broker", args: []string{"-L", "mqtt://a:1", "-L", "mqtt://b:2", "-h", "c"}, err: "--url: -h/--host and -p/--port name one broker; give every node of a cluster as a URL"},
		{name: "different users", args: []string{"-L", "mqtt://u:p@a:1", "-L", "mqtt://v:p@b:2"}, err: "the URLs give different ones"},
		{name: "TLS files and a plain node", args: []string{"-L", "mqtts://a:1", "-L", "mqtt://b:2", "--cafile", certs.CA}, err: "--url: mqtt:// is not encrypted, but TLS files were given: use mqtts:// (or wss://) (node 2 of 2: mqtt://b:2)"},
		{name: "url and urls", config: "url = 'mqtt://a'\nurls = ['mqtt://b']\n", err: "url and urls: give one of them"},
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
			if code != 0 || !slices.Equal(s.servers, tc.servers) || s.server != tc.servers[0] || s.username != tc.user {
				t.Fatalf("exit %d (%s): servers %q (server %q), user %q; want %q, user %q", code, errOut, s.servers, s.server, s.username, tc.servers, tc.user)
			}
			if cfg := connConfig(s); !slices.Equal(cfg.Servers, tc.servers) {
				t.Fatalf("connection's nodes %q", cfg.Servers)
			}
			if len(tc.servers) > 1 && s.tls != nil && s.tls.ServerName != "" {
				t.Fatalf("a cluster's TLS checks one host name for every node: %q", s.tls.ServerName)
			}
		})
	}
}

// TestClusterHistoryIsTheClusters: the chat files its history under the
// cluster (the same folder whatever the order of -L), and `history` with
// the same nodes reads it.
func TestClusterHistoryIsTheClusters(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	s1, _, _ := settingsFor(t, "-L", "mqtt://a:1", "-L", "mqtt://b:2")
	s2, _, _ := settingsFor(t, "-L", "mqtt://b:2", "-L", "mqtt://a:1")
	d1, err1 := history.ClusterDir(s1.servers)
	d2, err2 := history.ClusterDir(s2.servers)
	da, _ := history.BrokerDir("tcp://a:1")
	if err1 != nil || err2 != nil || d1 != d2 || d1 == da {
		t.Fatalf("cluster folders %q and %q (node a: %q), %v %v", d1, d2, da, err1, err2)
	}
	o1, _ := history.ClusterOutboxPath(s1.servers, "me")
	o2, _ := history.ClusterOutboxPath(s2.servers, "me")
	if o1 != o2 || !strings.Contains(o1, "cluster_") {
		t.Fatalf("outboxes %q and %q", o1, o2)
	}
	v, src := defaults(), sources{}
	v.url = []string{"mqtt://b:2", "mqtt://a:1"}
	src["url"] = source{rank: rankFlag, name: "--url"}
	q, err := resolveHistoryQuery(v, src, nil, "", "", "text")
	if err != nil || len(q.dirs) != 1 || q.dirs[0] != d1 {
		t.Fatalf("history reads %q (%v), want %q", q.dirs, err, d1)
	}
}
