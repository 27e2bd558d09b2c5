package cli

import (
	"strings"
	"testing"
	"time"
)

// TestMQTT5Settings: -V 5 selects MQTT 5, a name and a session expiry come
// from flags or a profile, and reach the connection's settings.
func TestMQTT5Settings(t *testing.T) {
	writeConfig(t, `
[profile.chat]
protocol_version = "mqttv5"
name = "alice"
disable_clean_session = true
id = "alice1"
session_expiry = "7d"
`, 0o600)
	for _, tc := range []struct {
		name     string
		args     []string
		protocol uint
		who      string
		expiry   time.Duration
	}{
		{"default 3.1.1", nil, 4, "", 0},
		{"-V 5", []string{"-V", "5"}, 5, "", 0},
		{"mqttv5 and a name", []string{"-V", "mqttv5", "--name", "bob"}, 5, "bob", 0},
		{"-c without -x never expires", []string{"-V", "5", "-c", "-i", "me"}, 5, "", 0},
		{"-x in seconds", []string{"-V", "5", "-c", "-i", "me", "-x", "90"}, 5, "", 90 * time.Second},
		{"-x never", []string{"-V", "5", "-c", "-i", "me", "-x", "-1"}, 5, "", 0},
		{"profile", []string{"--profile", "chat"}, 5, "alice", 7 * 24 * time.Hour},
		{"flag over profile", []string{"--profile", "chat", "--name", "carol", "-x", "12h"}, 5, "carol", 12 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, code, errOut := settingsFor(t, tc.args...)
			if code != 0 {
				t.Fatal(errOut)
			}
			cfg := connConfig(s)
			if cfg.ProtocolVersion != tc.protocol || cfg.Name != tc.who || cfg.SessionExpiry != tc.expiry {
				t.Fatalf("protocol %d name %q expiry %v, want %d %q %v", cfg.ProtocolVersion, cfg.Name, cfg.SessionExpiry, tc.protocol, tc.who, tc.expiry)
			}
		})
	}
}

// TestNameKeptForEveryRun: a name from the config file, a profile or
// MQTTCHAT_NAME is left out of an MQTT 3.1.1 run with a note on screen
// (topics and history runs too), not an exit; --name with 3.1.1 stays an
// error; protocol_version may be a TOML integer.
func TestNameKeptForEveryRun(t *testing.T) {
	path := writeConfig(t, `
name = "alice"
[profile.old]
protocol_version = 311
name = "olga"
[profile.new]
protocol_version = 5
`, 0o600)
	for _, tc := range []struct {
		name     string
		args     []string
		env      string
		protocol uint
		who      string
		note     string
	}{
		{"top-level name, 3.1.1", nil, "", 4, "", `name "alice" not sent: names need MQTT 5 (-V 5), this connection speaks MQTT 3.1.1 · from ` + path},
		{"top-level name, -V 5", []string{"-V", "5"}, "", 5, "alice", ""},
		{"profile name, integer 311", []string{"--profile", "old"}, "", 4, "", `name "olga" not sent: names need MQTT 5 (-V 5), this connection speaks MQTT 3.1.1 · from ` + path + " [profile.old]"},
		{"integer 5", []string{"--profile", "new"}, "", 5, "alice", ""},
		{"environment, 3.1.1", nil, "erin", 4, "", `name "erin" not sent: names need MQTT 5 (-V 5), this connection speaks MQTT 3.1.1 · from MQTTCHAT_NAME`},
		{"environment, -V 5", []string{"-V", "5"}, "erin", 5, "erin", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("MQTTCHAT_NAME", tc.env)
			s, code, errOut := settingsFor(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			cfg := connConfig(s)
			if cfg.ProtocolVersion != tc.protocol || cfg.Name != tc.who || s.nameNote != tc.note {
				t.Fatalf("protocol %d name %q note %q, want %d %q %q", cfg.ProtocolVersion, cfg.Name, s.nameNote, tc.protocol, tc.who, tc.note)
			}
		})
	}
	t.Run("--print-config says so", func(t *testing.T) {
		t.Setenv("MQTTCHAT_NAME", "")
		code, out, errOut := runCLI(t, "--print-config")
		if code != 0 || !strings.HasSuffix(out, "; name not sent (it needs MQTT 5)\n") {
			t.Fatalf("exit %d, %s\n%s", code, errOut, out)
		}
	})
	t.Run("--name with 3.1.1", func(t *testing.T) {
		_, code, errOut := settingsFor(t, "--profile", "old", "--name", "bob")
		if want := "mqttchat: --name: a sender name travels as an MQTT 5 user property: it needs -V 5 (the protocol is MQTT 3.1.1)\n"; code != 2 || errOut != want {
			t.Fatalf("exit %d, %q; want 2, %q", code, errOut, want)
		}
	})
}
