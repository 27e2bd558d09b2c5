package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mqttchat/history"
	"mqttchat/mqttconn"
)

func TestParseSize(t *testing.T) {
	good := map[string]int64{"1GiB": 1 << 30, "500MiB": 500 << 20, "4096": 4096, "1.5KiB": 1536, "2GB": 2e9, "0": 0, "10 MiB": 10 << 20}
	for in, want := range good {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "lots", "-1GiB", "1XB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

func TestParseAgeAndTime(t *testing.T) {
	good := map[string]time.Duration{"30d": 30 * 24 * time.Hour, "12h": 12 * time.Hour, "0": 0, "1.5d": 36 * time.Hour, "90m": 90 * time.Minute}
	for in, want := range good {
		if got, err := parseAge(in); err != nil || got != want {
			t.Errorf("parseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "-1h", "3w"} {
		if _, err := parseAge(in); err == nil {
			t.Errorf("parseAge(%q) accepted", in)
		}
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.Local)
	times := map[string]time.Time{
		"1h":                        now.Add(-time.Hour),
		"2026-11-25":                time.Date(2026, 11, 25, 0, 0, 0, 0, time.Local),
		"2026-11-25T09:30":          time.Date(2026, 11, 25, 9, 30, 0, 0, time.Local),
		"2026-11-25 09:30:15":       time.Date(2026, 11, 25, 9, 30, 15, 0, time.Local),
		"2026-11-25T09:30:00Z":      time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC),
		"03:10":                     time.Date(2026, 11, 26, 3, 10, 0, 0, time.Local), // a time of day: today, local
		"23:59:30":                  time.Date(2026, 11, 26, 23, 59, 30, 0, time.Local),
		" 07:05:01.250 ":            time.Date(2026, 11, 26, 7, 5, 1, 250e6, time.Local),
		"2026-11-25T09:30:15.5":     time.Date(2026, 11, 25, 9, 30, 15, 5e8, time.Local),
		"2026-11-25T09:30:00+02:00": time.Date(2026, 11, 25, 7, 30, 0, 0, time.UTC),
	}
	for in, want := range times {
		if got, err := parseTime(in, now); err != nil || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"yesterday", "25:00", "3:1x", "2026-13-01", "1h30"} {
		if _, err := parseTime(bad, now); err == nil {
			t.Errorf("parseTime(%q) accepted", bad)
		}
	}
}

// writeHistory records evs in server's history (in the state dir set).
func writeHistory(t *testing.T, server string, evs ...mqttconn.Event) {
	t.Helper()
	dir, err := history.BrokerDir(server)
	if err != nil {
		t.Fatal(err)
	}
	w, err := history.OpenWriter(dir, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		w.Record(ev)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// seedHistory writes a few records for two brokers into a fresh state dir.
func seedHistory(t *testing.T) time.Time {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	base := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
	write := func(server string, evs ...mqttconn.Event) { writeHistory(t, server, evs...) }
	msg := func(topic, payload string, at time.Duration) mqttconn.Event {
		return mqttconn.Event{Kind: mqttconn.KindMessage, Time: base.Add(at),
			Message: mqttconn.Message{Topic: topic, Payload: []byte(payload), Time: base.Add(at)}}
	}
	write("tcp://a:1883", msg("sensors/temp", "21", 0), msg("chat", "hi\x1b[2J", 2*time.Hour), msg("sensors/bin", "\xff\x00", 150*time.Minute))
	write("tcp://b:1883", msg("sensors/temp", "from b", time.Hour))
	return base
}

// runCLI runs the command line as main does (the chat itself refuses to
// start without a terminal).
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runApp(t, nil, args...)
}

// runApp runs the command line with start in place of the chat (nil: the
// real one), in a clean environment.
func runApp(t *testing.T, start func(settings, sources) error, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	// Nothing of this machine's config or environment leaks in, unless the test set it.
	if !strings.HasPrefix(os.Getenv("XDG_CONFIG_HOME"), os.TempDir()) {
		t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	}
	for _, v := range []string{"MQTTCHAT_URL", "MQTTCHAT_USERNAME", "MQTTCHAT_PASSWORD", "MQTTCHAT_CLIENT_ID"} {
		if _, set := os.LookupEnv(v); !set {
			t.Setenv(v, "")
		}
	}
	var out, errOut bytes.Buffer
	a := app{stdin: os.Stdin, stdout: &out, stderr: &errOut, start: start}
	if start == nil {
		a.start = a.interactive
	}
	code = a.run(args)
	return code, out.String(), errOut.String()
}

func TestHistoryCommand(t *testing.T) {
	seedHistory(t)
	code, out, errOut := runCLI(t, "history")
	if code != 0 || errOut != "" {
		t.Fatalf("history: %d %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.Contains(lines[1], "from b") {
		t.Fatalf("every broker, merged by time:\n%s", out)
	}
	if strings.Contains(out, "\x1b") || !strings.Contains(out, `hi␛[2J`) || !strings.Contains(out, `\xff␀`) {
		t.Fatalf("text output is not terminal-safe:\n%q", out)
	}

	_, out, _ = runCLI(t, "history", "-h", "a", "-t", "sensors/#", "--format", "json")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"topic":"sensors/temp"`) || !strings.Contains(lines[1], `"payload_b64":"/wA="`) {
		t.Fatalf("one broker, one filter, json:\n%s", out)
	}

	_, out, _ = runCLI(t, "history", "-L", "mqtt://a:1883", "--since", "90m")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.Contains(out, "chat") {
		t.Fatalf("--since 90m:\n%s", out)
	}
	_, out, _ = runCLI(t, "history", "--until", "100m")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || strings.Contains(out, "chat") {
		t.Fatalf("--until 100m:\n%s", out)
	}
	_, out, _ = runCLI(t, "history", "--text", "from")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.Contains(out, "from b") {
		t.Fatalf("--text from:\n%s", out)
	}
	_, out, _ = runCLI(t, "history", "--text", "\xff", "--format", "json")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.Contains(out, "sensors/bin") {
		t.Fatalf("--text in a binary payload:\n%s", out)
	}
	_, out, _ = runCLI(t, "history", "-p", "9999")
	if out != "" {
		t.Fatalf("a broker with no history printed %q", out)
	}
}

func TestHistoryCommandBadInput(t *testing.T) {
	seedHistory(t)
	cases := map[string][]string{
		`--format: "xml" is not json or text`: {"history", "--format", "xml"},
		`--since: "soon" is not a time`:       {"history", "--since", "soon"},
		`a time of day today (03:10`:          {"history", "--until", "3 pm"},
		`--topic: "a/#/b"`:                    {"history", "-t", "a/#/b"},
		"--url: cannot be combined":           {"history", "-L", "mqtt://x", "-p", "1"},
		"--port: 0 is out of range":           {"history", "-p", "0"},
		`unexpected argument "x"`:             {"history", "x"},
	}
	for want, args := range cases {
		code, out, errOut := runCLI(t, args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "mqttchat: ") || !strings.Contains(errOut, want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: status %d, stderr %q; want 2 and %q", args, code, errOut, want)
		}
	}
}

func TestBadHistoryFlags(t *testing.T) {
	cases := map[string][]string{
		`--history-size: "big" is not a size`:    {"--history-size", "big"},
		`--history-age: "forever" is not a dura`: {"--history-age", "forever"},
		"--history-replay: must be 0 or more":    {"--history-replay", "-1"},
	}
	for want, args := range cases {
		code, _, errOut := runCLI(t, args...)
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("%v: status %d, stderr %q; want 2 and %q", args, code, errOut, want)
		}
	}
}

func TestCorruptHistoryIsReportedNotFatal(t *testing.T) {
	seedHistory(t)
	dir, _ := history.BrokerDir("tcp://a:1883")
	entries, _ := os.ReadDir(dir)
	path := dir + "/" + entries[0].Name()
	data, _ := os.ReadFile(path)
	os.WriteFile(path, append([]byte("garbage\n"), data...), 0o600)
	code, out, errOut := runCLI(t, "history", "-h", "a")
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(errOut, "skipped 1 corrupt line") {
		t.Fatalf("status %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestHistoryChoosesTheBrokerLikeTheChat: MQTTCHAT_URL and --profile name
// the broker for `mqttchat history` too; flags beat them.
func TestHistoryChoosesTheBrokerLikeTheChat(t *testing.T) {
	seedHistory(t)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	os.MkdirAll(filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "mqttchat"), 0o700)
	os.WriteFile(filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "mqttchat", "config.toml"), []byte("[profile.b]\nurl = \"mqtt://b:1883\"\n"), 0o600)

	_, out, _ := runCLI(t, "history", "--profile", "b")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.Contains(out, "from b") {
		t.Fatalf("--profile b:\n%s", out)
	}
	t.Setenv("MQTTCHAT_URL", "mqtt://a:1883")
	_, out, _ = runCLI(t, "history")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 || strings.Contains(out, "from b") {
		t.Fatalf("MQTTCHAT_URL a:\n%s", out)
	}
	_, out, _ = runCLI(t, "history", "-h", "b")
	// One line, b's: a's three messages (payload "21", "hi", bytes) are absent.
	// (Not a search for "21": the timestamp may contain it.)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.HasSuffix(lines[0], "from b") {
		t.Fatalf("-h b over MQTTCHAT_URL:\n%s", out)
	}
}

func TestUndeliveredNote(t *testing.T) {
	cases := []struct {
		n              int
		kept, recorded bool
		want           string
	}{
		{1, false, true, "1 message not delivered, dropped on quit (the history keeps its text)"},
		{3, false, false, "3 messages not delivered, dropped on quit"},
		{2, true, true, "2 messages not delivered yet, kept on disk: start mqttchat again for this broker with -c -i dev1 to send them"},
	}
	for _, c := range cases {
		if got := undeliveredNote(c.n, c.kept, c.recorded, "dev1"); got != c.want {
			t.Errorf("undeliveredNote(%d, %v, %v) = %q, want %q", c.n, c.kept, c.recorded, got, c.want)
		}
	}
}

// TestHistoryCommandShowsProperties: an MQTT 5 message's sender is in the
// text form as on the screen, and every property in the JSON form.
func TestHistoryCommandShowsProperties(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	at := time.Now().Add(-time.Minute).Truncate(time.Second)
	writeHistory(t, "tcp://a:1883",
		mqttconn.Event{Kind: mqttconn.KindMessage, Time: at, Message: mqttconn.Message{Topic: "room", Payload: []byte("hi"), Time: at,
			Properties: &mqttconn.Properties{ContentType: "text/plain", User: []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: "bob\x1b[2J"}}}}},
		mqttconn.Event{Kind: mqttconn.KindMessage, Time: at.Add(time.Second), Message: mqttconn.Message{Topic: "room", Payload: []byte("plain"), Time: at.Add(time.Second)}})
	_, out, _ := runCLI(t, "history", "-h", "a")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "◀ bob␛[2J ▸ room hi") || !strings.Contains(lines[1], "◀ room plain") {
		t.Fatalf("text:\n%s", out)
	}
	_, out, _ = runCLI(t, "history", "-h", "a", "--format", "json")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"properties":{"content-type":"text/plain","user-properties":[{"mqttchat-name":"bob\u001b[2J"}]},"payload":"hi"`) ||
		strings.Contains(lines[1], "properties") {
		t.Fatalf("json:\n%s", out)
	}
}
