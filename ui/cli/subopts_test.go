package cli

import (
	"strings"
	"testing"

	"mqttchat/mqttconn"
)

// TestSubscriptionOptionFlags: --no-local, --retain-as-published and
// --retain-handling apply to every -t filter over MQTT 5 (and from a
// profile); over MQTT 3.1.1, with a bad value, or No Local on a shared
// filter they are a usage error in words (exit 2).
func TestSubscriptionOptionFlags(t *testing.T) {
	writeConfig(t, `
[profile.quiet]
protocol_version = "5"
retain_handling = 2
`, 0o600)
	ok := []struct {
		name string
		args []string
		want []mqttconn.Subscription
	}{
		{"off by default", []string{"-V", "5", "-t", "a"}, []mqttconn.Subscription{{Filter: "a"}}},
		{"all three on two filters", []string{"-V", "5", "-t", "a", "-t", "b/#", "-q", "1", "--no-local", "--retain-as-published", "--retain-handling", "1"},
			[]mqttconn.Subscription{
				{Filter: "a", QoS: 1, NoLocal: true, RetainAsPublished: true, RetainHandling: 1},
				{Filter: "b/#", QoS: 1, NoLocal: true, RetainAsPublished: true, RetainHandling: 1}}},
		{"shared without no local", []string{"-V", "5", "-t", "$share/g/a", "--retain-as-published"},
			[]mqttconn.Subscription{{Filter: "$share/g/a", RetainAsPublished: true}}},
		{"profile", []string{"--profile", "quiet", "-t", "x"}, []mqttconn.Subscription{{Filter: "x", RetainHandling: 2}}},
		{"explicit zero over 3.1.1", []string{"--retain-handling", "0", "-t", "a"}, []mqttconn.Subscription{{Filter: "a"}}},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			s, code, errOut := settingsFor(t, tc.args...)
			if code != 0 {
				t.Fatal(errOut)
			}
			got := connConfig(s).Subscriptions
			if len(got) != len(tc.want) {
				t.Fatalf("subscriptions %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("subscription %d: %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			if _, err := mqttconn.New(connConfig(s)); err != nil {
				t.Fatal(err)
			}
		})
	}
	bad := []struct {
		name string
		args []string
		want string
	}{
		{"no local over 3.1.1", []string{"--no-local"}, "--no-local: subscription options are MQTT 5: they need -V 5 (the protocol is MQTT 3.1.1)"},
		{"retain as published over 3.1.1", []string{"-V", "311", "--retain-as-published"}, "--retain-as-published: subscription options are MQTT 5"},
		{"retain handling over 3.1.1", []string{"--retain-handling", "2"}, "--retain-handling: subscription options are MQTT 5"},
		{"retain handling 3", []string{"-V", "5", "--retain-handling", "3"}, "--retain-handling: 3 is not 0"},
		{"no local on $share", []string{"-V", "5", "-t", "a", "-t", "$share/g/b", "--no-local"}, `no local on the shared subscription "$share/g/b" is a protocol error in MQTT 5 (MQTT-3.8.3-4)`},
		{"bad shared filter", []string{"-V", "5", "-t", "$share/g+/b"}, "must not contain + or #"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, code, errOut := settingsFor(t, tc.args...)
			if code != 2 || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
				t.Fatalf("exit %d, %q; want 2 and %q", code, errOut, tc.want)
			}
		})
	}
}

// TestAssignedClientIDFlag: -i "" over MQTT 5 asks the broker for an id
// (with -c too: the broker keeps the session, the outbox stays in memory);
// over MQTT 3.1.1 it is a usage error that says how.
func TestAssignedClientIDFlag(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		persistent bool
	}{
		{"clean", []string{"-V", "5", "-i", ""}, false},
		{"kept session", []string{"-V", "5", "-i", "", "-c"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, code, errOut := settingsFor(t, tc.args...)
			if code != 0 {
				t.Fatal(errOut)
			}
			cfg := connConfig(s)
			if !cfg.AssignClientID || cfg.ClientID != "" || cfg.PersistentSession != tc.persistent || s.outboxKept() {
				t.Fatalf("assign %v id %q persistent %v outbox kept %v", cfg.AssignClientID, cfg.ClientID, cfg.PersistentSession, s.outboxKept())
			}
			if _, err := mqttconn.New(cfg); err != nil {
				t.Fatal(err)
			}
		})
	}
	_, code, errOut := settingsFor(t, "-i", "")
	if want := "--id: must not be empty (over MQTT 5, -V 5, an empty id asks the broker to assign one)"; code != 2 || !strings.Contains(errOut, want) {
		t.Fatalf("exit %d, %q; want 2 and %q", code, errOut, want)
	}
	s, code, errOut := settingsFor(t, "-V", "5", "-i", "me", "-c")
	if code != 0 || !s.outboxKept() {
		t.Fatalf("exit %d %s; outbox kept %v", code, errOut, s.outboxKept())
	}
}

// TestFirstTopicNameOfSharedFilters: the composer starts on the first
// one-topic filter, a shared subscription's filter part included.
func TestFirstTopicNameOfSharedFilters(t *testing.T) {
	for _, tc := range []struct {
		filters []string
		want    string
	}{
		{[]string{"a/#", "$share/g/jobs"}, "jobs"},
		{[]string{"$share/g/jobs/+", "$SYS/x", "room"}, "room"},
		{[]string{"$queue/tasks"}, "tasks"},
		{[]string{"#"}, ""},
	} {
		var subs []mqttconn.Subscription
		for _, f := range tc.filters {
			subs = append(subs, mqttconn.Subscription{Filter: f})
		}
		if got := firstTopicName(subs); got != tc.want {
			t.Errorf("firstTopicName(%q) = %q, want %q", tc.filters, got, tc.want)
		}
	}
}
