package cli

import (
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
