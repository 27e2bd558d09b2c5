package cli

import (
	"errors"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mqttchat/mqttconn"
)

// --trace and the config key reach the settings; the tap feeds the view's
// feed and the trace; a file that cannot be created is a usage error
// naming where the path came from; the trace ends with its counts.
func TestTraceSetting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.jsonl")
	s, code, errOut := settingsFor(t, "--trace", path, "-h", "127.0.0.1")
	if code != 0 || s.trace != path || s.traceWhere != "--trace" {
		t.Fatalf("code %d (%s): trace %q from %q", code, errOut, s.trace, s.traceWhere)
	}

	r := &chatRun{s: s, logger: log.New(io.Discard, "", 0)}
	if err := r.tapPackets(); err != nil {
		t.Fatal(err)
	}
	r.cfg.OnPacket(mqttconn.Packet{Type: mqttconn.TypePingreq, Out: true})
	if ps, _ := r.packets.Drain(); len(ps) != 1 {
		t.Fatalf("the view's feed got %d packets", len(ps))
	}
	r.stack.closeAll()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(data)), "\n"); len(lines) != 2 || !strings.Contains(lines[0], `"type":"PINGREQ"`) ||
		lines[1] != `{"end":true,"written":1,"dropped":0}` {
		t.Fatalf("trace:\n%s", data)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("trace mode %v %v", st.Mode(), err)
	}

	bad := &chatRun{s: settings{trace: filepath.Join(t.TempDir(), "no", "such", "dir"), traceWhere: "--trace"}, logger: log.New(io.Discard, "", 0)}
	err = bad.tapPackets()
	var u usageError
	if !errors.As(err, &u) || !strings.HasPrefix(err.Error(), "--trace: ") {
		t.Fatalf("bad path: %v", err)
	}
	// Without --trace only the view is fed.
	none := &chatRun{logger: log.New(io.Discard, "", 0)}
	if err := none.tapPackets(); err != nil || none.cfg.OnPacket == nil || none.packets == nil {
		t.Fatalf("no trace: %v", err)
	}
}
