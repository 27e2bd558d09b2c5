package e2e

import "testing"

// protocol is the MQTT version a test runs the binary with.
type protocol struct {
	name string   // the subtest's name: "311" or "5"
	flag []string // what selects it on the command line (none for the default)
}

// v5 tells whether this run speaks MQTT 5.
func (p protocol) v5() bool { return p.name == "5" }

// start is start with the protocol's flag before args.
func (p protocol) start(t testing.TB, w, h int, env []string, args ...string) *screen {
	t.Helper()
	return start(t, w, h, env, p.args(args...)...)
}

// args is args with the protocol's flag in front.
func (p protocol) args(args ...string) []string {
	return append(append([]string(nil), p.flag...), args...)
}

// protocols are the two the binary speaks: MQTT 3.1.1 (the default, no
// flag: the test runs exactly as it did before MQTT 5) and MQTT 5.
var protocols = []protocol{{name: "311"}, {name: "5", flag: []string{"-V", "5"}}}

// eachProtocol runs test once over MQTT 3.1.1 and once over MQTT 5, each
// a subtest named after its protocol.
func eachProtocol(t *testing.T, test func(t *testing.T, p protocol)) {
	t.Helper()
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) { test(t, p) })
	}
}
