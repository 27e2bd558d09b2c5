package e2e

import (
	"strings"
	"testing"

	"mqttchat/mqttconn/brokertest"
)

// TestDumbTerminalExitsTwo: a terminal that cannot position the cursor gets
// one line saying so and status 2, never a broken screen.
func TestDumbTerminalExitsTwo(t *testing.T) {
	for _, term := range []string{"dumb", ""} {
		env, _, _ := builtinEnv(t)
		s := start(t, 80, 24, append(env, "TERM="+term))
		if code := s.waitExit(); code != 2 {
			t.Fatalf("TERM=%q: exit status %d, want 2", term, code)
		}
		out := string(s.rawOutput())
		if !strings.Contains(out, "mqttchat: TERM") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Errorf("TERM=%q: want one line of explanation, got %q", term, out)
		}
		// Under TERM=dumb nothing is asked of the terminal. (With TERM
		// unset, a dependency's initialisation asks for the background
		// colour before main runs.)
		if term == "dumb" && strings.Contains(out, "\x1b") {
			t.Errorf("TERM=dumb: escape sequences were written: %q", out)
		}
	}
}

// TestNonUTF8LocaleShowsASCII: under LANG=C the text of messages is ASCII,
// and --width-mode overrides it.
func TestNonUTF8LocaleShowsASCII(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{[]string{"LANG=C"}, `cjk \u6e29\u5ea6 \u1f44d\u1f3fd`},
		{[]string{"LANG=C", "MQTTCHAT_WIDTH_MODE=grapheme"}, "cjk 温度 👍🏽"},
	} {
		env, tcpAddr, _ := builtinEnv(t)
		s := start(t, 100, 24, append(env, tc.env...), "-t", "l/#")
		s.waitFor("connected", "subscribed to l/#")
		brokertest.Connect(t, "tcp://"+tcpAddr, "peer").Publish(t, "l/1", 0, false, "cjk 温度 👍🏽")
		s.waitFor(tc.want)
	}
}
