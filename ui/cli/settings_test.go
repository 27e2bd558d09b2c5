package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"mqttchat/mqttconn/brokertest"
)

// writeConfig puts a config file in a fresh XDG_CONFIG_HOME.
func writeConfig(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	path := filepath.Join(dir, "mqttchat", "config.toml")
	os.MkdirAll(filepath.Dir(path), 0o700)
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBadInputsEachHaveTheirMessage(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	certs := brokertest.MakeCerts(t)
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	missing := filepath.Join(dir, "missing.pem")
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	longPW := filepath.Join(dir, "long-pw")
	os.WriteFile(longPW, []byte(strings.Repeat("p", 65538)), 0o600)
	bigPEM := filepath.Join(dir, "big.pem")
	os.WriteFile(bigPEM, make([]byte, 16<<20+1), 0o600)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-p", "0"}, "--port: 0 is out of range (1-65535)"},
		{[]string{"-p", "70000"}, "--port: 70000 is out of range (1-65535)"},
		{[]string{"-p", "0x5dbf"}, `invalid argument "0x5dbf" for "-p, --port" flag: not a whole number (decimal digits only)`},
		{[]string{"-p", "0o777"}, `invalid argument "0o777" for "-p, --port" flag: not a whole number (decimal digits only)`},
		{[]string{"-p", "1_883"}, `invalid argument "1_883" for "-p, --port" flag: not a whole number (decimal digits only)`},
		{[]string{"-p", "99999999999999999999"}, `invalid argument "99999999999999999999" for "-p, --port" flag: out of range`},
		{[]string{"-k", "0x10"}, `invalid argument "0x10" for "-k, --keepalive" flag: not a whole number (decimal digits only)`},
		{[]string{"history", "-p", "0x5dbf"}, `invalid argument "0x5dbf" for "-p, --port" flag: not a whole number (decimal digits only)`},
		{[]string{"-h"}, "-h is the broker's host and needs one (as in mosquitto): for help, use --help"},
		{[]string{"-t", "a", "-h"}, "-h is the broker's host and needs one (as in mosquitto): for help, use --help"},
		{[]string{"history", "-h"}, "-h is the broker's host and needs one (as in mosquitto): for help, use --help"},
		{[]string{"-h", "--print-config"}, `--host: "--print-config" is not a host name; -h is the broker's host and needs one (as in mosquitto): for help, use --help`},
		{[]string{"-h", "-t"}, `--host: "-t" is not a host name; -h is the broker's host`},
		{[]string{"-q", "3"}, "--qos: 3 is not a QoS (use 0, 1 or 2)"},
		{[]string{"-t", "a/#/b"}, `--topic: "a/#/b": '#' must be the last level in "a/#/b"`},
		{[]string{"-t", "a+"}, `--topic: "a+": '+' must occupy a whole level in "a+"`},
		{[]string{"-L", "ftp://x"}, `--url: unknown scheme "ftp://": use mqtt://, tcp://, mqtts://, ssl://, tls://, ws:// or wss://`},
		{[]string{"-L", "mqtt://x", "-h", "y"}, "--url: cannot be combined with -h/--host or -p/--port"},
		{[]string{"-L", "mqtt://x:99999"}, "--url: port 99999 is out of range (1-65535)"},
		{[]string{"-L", "mqtt://x", "--cafile", certs.CA}, "--url: mqtt:// is not encrypted, but TLS files were given: use mqtts:// (or wss://)"},
		{[]string{"--insecure"}, "--insecure: TLS options need an encrypted broker URL (mqtts://, wss://) or --cafile/--cert"},
		{[]string{"-P", "x"}, "--pw: a password needs a user name (-u)"},
		{[]string{"-k", "0"}, "--keepalive: 0 is out of range (1-65535 seconds)"},
		{[]string{"-k", "65536"}, "--keepalive: 65536 is out of range (1-65535 seconds)"},
		{[]string{"-M", "0"}, "--max-inflight: 0 is out of range (1-65535)"},
		{[]string{"--max-inflight", "65536"}, "--max-inflight: 65536 is out of range (1-65535)"},
		{[]string{"-V", "4"}, `--protocol-version: "4" is not a protocol version (use 31, 311, 5, mqttv31, mqttv311 or mqttv5)`},
		{[]string{"--name", "alice"}, "--name: a sender name travels as an MQTT 5 user property: it needs -V 5 (the protocol is MQTT 3.1.1)"},
		{[]string{"-V", "311", "--name", "alice"}, "--name: a sender name travels as an MQTT 5 user property: it needs -V 5 (the protocol is MQTT 3.1.1)"},
		{[]string{"-V", "5", "--name", "a\x00b"}, `--name: "a\x00b" holds U+0000 (the null character), which brokers refuse in an MQTT string`},
		// Strings brokers refuse as malformed (mosquitto drops the connection).
		{[]string{"-V", "5", "--name", "a\x1bb"}, `--name: "a\x1bb" holds U+001B (a control character), which brokers refuse in an MQTT string`},
		{[]string{"-V", "5", "--name", "tab\there"}, `--name: "tab\there" holds U+0009 (a control character), which brokers refuse in an MQTT string`},
		{[]string{"-V", "5", "--name", "c1\u0085"}, `--name: "c1\u0085" holds U+0085 (a control character), which brokers refuse in an MQTT string`},
		{[]string{"-V", "5", "--name", "x\ufdd0"}, `--name: "x\ufdd0" holds U+FDD0 (a non-character), which brokers refuse in an MQTT string`},
		{[]string{"-V", "5", "--name", "ab\xff"}, `--name: "ab\xff" is not valid UTF-8 (byte 2)`},
		{[]string{"-V", "5", "--name", strings.Repeat("n", 50) + "\x1b"}, `--name: "` + strings.Repeat("n", 40) + `"… (51 bytes) holds U+001B (a control character), which brokers refuse in an MQTT string`},
		{[]string{"-V", "5", "--name", strings.Repeat("n", 65536)}, `--name: 65536 bytes is more than 65535`},
		{[]string{"-u", "me\tyou"}, `--username: "me\tyou" holds U+0009 (a control character), which brokers refuse in an MQTT string`},
		{[]string{"-t", "chat/\x7f/#"}, `--topic: "chat/\x7f/#" holds U+007F (a control character), which brokers refuse in an MQTT string`},
		{[]string{"--will-topic", "w/\x1b[31m"}, `--will-topic: "w/\x1b[31m" holds U+001B (a control character), which brokers refuse in an MQTT string`},
		{[]string{"-i", "id\uffff"}, `--id: "id\uffff" holds U+FFFF (a non-character), which brokers refuse in an MQTT string`},
		{[]string{"-V", "5", "-x", "60"}, "--session-expiry: needs a kept session (-c with -i)"},
		{[]string{"-V", "5", "-c", "-i", "me", "-x", "soon"}, `--session-expiry: "soon" is not a duration (seconds, 30m, 12h, 7d or never)`},
		{[]string{"-c", "-i", "me", "-x", "60"}, "--session-expiry: a session expiry is an MQTT 5 setting: it needs -V 5"},
		{[]string{"-V", "5", "-c", "-i", "me", "-x", "4294967296"}, `--session-expiry: "4294967296" seconds is over the maximum, 4294967295 (or -1, never: no expiry)`},
		{[]string{"-V", "5", "-c", "-i", "me", "-x", "99999999999999999999999"}, `--session-expiry: "99999999999999999999999" seconds is over the maximum, 4294967295 (or -1, never: no expiry)`},
		{[]string{"-V", "5", "-c", "-i", "me", "-x", "50000d"}, `--session-expiry: "50000d" is over the maximum, 4294967295 seconds (or -1, never: no expiry)`},
		{[]string{"-c"}, "--disable-clean-session: a persistent session needs a client id"},
		{[]string{"--will-payload", "x"}, "--will-payload: needs --will-topic"},
		{[]string{"--will-topic", "a/#"}, `--will-topic: "a/#": topic name must not contain + or #`},
		{[]string{"--will-topic", "a", "--will-qos", "3"}, "--will-qos: 3 is not a QoS (use 0, 1 or 2)"},
		{[]string{"--will-topic", "a", "--will-payload", strings.Repeat("x", 65536)}, "--will-payload: 65536 bytes is more than 65535"},
		{[]string{"--cafile", missing}, "--cafile: open " + missing + ": no such file or directory"},
		{[]string{"--cafile", notPEM}, "--cafile: " + notPEM + ": no PEM certificate in it"},
		{[]string{"--capath", dir}, "--capath: " + dir + ": no PEM certificate in it"},
		{[]string{"--cafile", certs.CA, "--cert", certs.ClientCert}, "--cert: needs --key"},
		{[]string{"--cafile", certs.CA, "--cert", certs.ClientCert, "--key", certs.ServerKey}, "--cert " + certs.ClientCert + " / --key " + certs.ServerKey + ": tls: private key does not match public key"},
		{[]string{"--cafile", certs.CA, "--tls-version", "tlsv1.1"}, `--tls-version: "tlsv1.1" is not tlsv1.2 or tlsv1.3`},
		{[]string{"-u", "a", "--pw-file", missing}, "--pw-file: open " + missing + ": no such file or directory"},
		{[]string{"-u", "a", "--pw-file", empty}, "--pw-file: " + empty + ": the file is empty"},
		{[]string{"--profile", "prod"}, `--profile: "prod": there is no config file`},
		{[]string{"-i", ""}, "--id: must not be empty"},
		{[]string{"--history-size", "big"}, `--history-size: "big" is not a size (e.g. 500MiB, 1GiB, 0 for no limit)`},
		// Control characters: ids and hosts refused in words, paths shown on one line.
		{[]string{"-i", "id\x1b]2;PWNED\a"}, `--id: "id\x1b]2;PWNED\a" holds a control character (U+001B): use letters, digits and punctuation`},
		{[]string{"-i", "a\nb"}, `--id: "a\nb" holds a control character (U+000A)`},
		{[]string{"-i", "a\u0085b"}, `--id: "a\u0085b" holds a control character (U+0085)`},
		{[]string{"-h", "a\nb"}, `--host: host "a\nb" holds a control character (U+000A)`},
		{[]string{"-h", "bro\x1b[5mker"}, `--host: host "bro\x1b[5mker" holds a control character (U+001B)`},
		{[]string{"-h", "h\xffst"}, `--host: host "h\xffst" is not valid UTF-8`},
		{[]string{"-L", "mqtt://bro\x07ker"}, `--url: host "bro\aker" holds a control character (U+0007)`},
		{[]string{"-L", "mqtt://h\xff:1883/t"}, `--url: host "h\xff" is not valid UTF-8`},
		{[]string{"--cafile", dir + "/a\nb\x1b[2J"}, "--cafile: open " + dir + "/a␊b␛[2J: no such file or directory"},
		{[]string{"-u", "a", "--pw-file", dir + "/x\ry"}, "--pw-file: open " + dir + "/x␍y: no such file or directory"},
		// History limits: plain decimal numbers that fit.
		{[]string{"--history-size", "NaN"}, `--history-size: "NaN" is not a size`},
		{[]string{"--history-size", "NaNGiB"}, `--history-size: "NaNGiB" is not a size`},
		{[]string{"--history-size", "Inf"}, `--history-size: "Inf" is not a size`},
		{[]string{"--history-size", "+Inf"}, `--history-size: "+Inf" is not a size`},
		{[]string{"--history-size", "1e3"}, `--history-size: "1e3" is not a size`},
		{[]string{"--history-size", "0x1p4"}, `--history-size: "0x1p4" is not a size`},
		{[]string{"--history-size", "9999999999TiB"}, `--history-size: "9999999999TiB" is too large (at most 8 EiB)`},
		{[]string{"--history-size", "99999999999999999999"}, `--history-size: "99999999999999999999" is too large`},
		{[]string{"--history-age", "NaNd"}, `--history-age: "NaNd" is not a duration`},
		{[]string{"--history-age", "Infd"}, `--history-age: "Infd" is not a duration`},
		{[]string{"--history-age", "1e9d"}, `--history-age: "1e9d" is too long (at most about 292 years)`},
		{[]string{"--history-age", "999999999d"}, `--history-age: "999999999d" is too long`},
		{[]string{"--history-age", "-1h"}, `--history-age: "-1h" is not a duration`},
		// Files are read only when regular, and only as much as could be valid.
		{[]string{"-u", "a", "--pw-file", "/dev/zero"}, "--pw-file: /dev/zero: not a regular file (it is a character device)"},
		{[]string{"-u", "a", "--pw-file", fifo}, "--pw-file: " + fifo + ": not a regular file (it is a FIFO (named pipe))"},
		{[]string{"-u", "a", "--pw-file", dir}, "--pw-file: " + dir + ": not a regular file (it is a folder)"},
		{[]string{"-u", "a", "--pw-file", longPW}, "--pw-file: " + longPW + ": too large: more than 65,537 bytes"},
		{[]string{"--cafile", "/dev/zero"}, "--cafile: /dev/zero: not a regular file (it is a character device)"},
		{[]string{"--cafile", fifo}, "--cafile: " + fifo + ": not a regular file"},
		{[]string{"--cafile", bigPEM}, "--cafile: " + bigPEM + ": too large: more than 16 MiB"},
		{[]string{"--cafile", certs.CA, "--cert", "/dev/zero", "--key", certs.ClientKey}, "--cert /dev/zero / --key " + certs.ClientKey + ": /dev/zero: not a regular file"},
		{[]string{"--cafile", certs.CA, "--cert", certs.ClientCert, "--key", fifo}, "--cert " + certs.ClientCert + " / --key " + fifo + ": " + fifo + ": not a regular file"},
	}
	for _, tc := range cases {
		code, out, errOut := runCLI(t, tc.args...)
		if code != 2 || out != "" || errOut != "mqttchat: "+tc.want+"\n" && !strings.HasPrefix(errOut, "mqttchat: "+tc.want) {
			t.Errorf("%q:\n status %d, stderr %q\n want 2, %q", tc.args, code, errOut, "mqttchat: "+tc.want)
		}
		if strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: %d lines on stderr", tc.args, strings.Count(errOut, "\n"))
		}
	}
}

func TestBadConfigFiles(t *testing.T) {
	cases := map[string]string{
		"port = 'x'\n":                   "port must be a whole number, not string",
		"colour = 'red'\n":               `unknown key "colour"`,
		"[profile.a]\nbogus = 1\n":       `unknown key "bogus"`,
		"this is not toml\n":             "config file",
		"topics = 'a/#/b'\n":             `: topics: "a/#/b": '#' must be the last level`,
		"url = 'mqtt://x'\nhost = 'y'\n": "url cannot be combined with host or port",
	}
	for text, want := range cases {
		path := writeConfig(t, text, 0o600)
		code, _, errOut := runCLI(t, "--print-config")
		if code != 2 || !strings.Contains(errOut, want) || !strings.Contains(errOut, path) && !strings.Contains(want, "topics") {
			t.Errorf("config %q: status %d, stderr %q; want 2 naming %s and %q", text, code, errOut, path, want)
		}
	}
	writeConfig(t, "[profile.a]\n[profile.b]\n", 0o600)
	if _, _, errOut := runCLI(t, "--profile", "c"); !strings.Contains(errOut, `--profile: no profile "c" in`) || !strings.Contains(errOut, "(it has: a, b)") {
		t.Errorf("missing profile: %q", errOut)
	}
}

// TestConfigFileMustBeARegularFileOfSaneSize: a FIFO as config.toml does not
// hang, a device or a huge file is not read whole.
// TestNumbersAreDecimal: a leading zero does not make a number octal.
func TestNumbersAreDecimal(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-h", "h", "-p", "0443"}, "tcp://h:443"},
		{[]string{"-h", "h", "-p", "01883"}, "tcp://h:1883"},
		{[]string{"-h", "h", "-p", "+8883"}, "tcp://h:8883"},
	}
	for _, tc := range cases {
		s, code, errOut := settingsFor(t, tc.args...)
		if code != 0 || s.server != tc.want {
			t.Errorf("%q: status %d %q, server %q; want %q", tc.args, code, errOut, s.server, tc.want)
		}
	}
	if s, _, _ := settingsFor(t, "-k", "010", "-q", "01"); s.keepalive.Seconds() != 10 || s.qos != 1 {
		t.Errorf("-k 010 -q 01: keepalive %v, qos %d", s.keepalive, s.qos)
	}
}

// TestHistoryLimitZeroMeansNoLimit: the help says 0 is no limit; the
// history writer's zero is its default, so noLimit is passed.
func TestHistoryLimitZeroMeansNoLimit(t *testing.T) {
	cases := []struct {
		args []string
		size int64
		age  time.Duration
	}{
		{nil, 1 << 30, 30 * 24 * time.Hour},
		{[]string{"--history-size", "0", "--history-age", "0"}, noLimit, noLimit},
		{[]string{"--history-size", "0GiB", "--history-age", "0d"}, noLimit, noLimit},
		{[]string{"--history-size", "0.5KiB", "--history-age", "1h30m"}, 512, 90 * time.Minute},
	}
	for _, tc := range cases {
		s, code, errOut := settingsFor(t, tc.args...)
		if code != 0 || s.history.maxSize != tc.size || s.history.maxAge != tc.age {
			t.Errorf("%q: status %d %q, size %d age %v; want %d %v", tc.args, code, errOut, s.history.maxSize, s.history.maxAge, tc.size, tc.age)
		}
	}
}

// TestHostAndPortOverALowerURL: -h/-p from a higher layer replace the host
// or port of a lower layer's URL; the rest of the URL stays.
func TestHostAndPortOverALowerURL(t *testing.T) {
	cases := []struct {
		name, env, conf string
		args            []string
		server          string
		topics          string
		user            string
	}{
		{"the issue's case: -p over MQTTCHAT_URL", "mqtt://broker.example.com:1883/room", "", []string{"-p", "8884"}, "tcp://broker.example.com:8884", "room", ""},
		{"-h over MQTTCHAT_URL keeps its port", "mqtt://broker.example.com:1999/room", "", []string{"-h", "other"}, "tcp://other:1999", "room", ""},
		{"-h -p over MQTTCHAT_URL keep its user", "mqtts://me:pw@broker.example.com/room", "", []string{"-h", "other", "-p", "9999"}, "ssl://other:9999", "room", "me"},
		{"-p over a WebSocket URL keeps its path", "wss://h/custom", "", []string{"-p", "8443"}, "wss://h:8443/custom", "#", ""},
		{"-t over MQTTCHAT_URL replaces its topic", "mqtt://h/room", "", []string{"-t", "mine"}, "tcp://h:1883", "mine", ""},
		{"MQTTCHAT_URL -p over a profile's url", "", "[profile.p]\nurl = 'mqtt://prof:1000/t'\n", []string{"--profile", "p", "-p", "2000"}, "tcp://prof:2000", "t", ""},
		{"config port under MQTTCHAT_URL: the URL wins", "mqtt://envhost:1999", "port = 1234\n", nil, "tcp://envhost:1999", "#", ""},
		{"-L over config host", "", "host = 'confhost'\n", []string{"-L", "mqtt://flaghost"}, "tcp://flaghost:1883", "#", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			writeConfig(t, tc.conf, 0o600)
			t.Setenv("MQTTCHAT_URL", tc.env)
			s, code, errOut := settingsFor(t, tc.args...)
			var topics []string
			for _, sub := range s.subscriptions {
				topics = append(topics, sub.Filter)
			}
			if code != 0 || s.server != tc.server || strings.Join(topics, " ") != tc.topics || s.username != tc.user || !s.named {
				t.Fatalf("status %d %q: server %q, topics %q, user %q; want %q, %q, %q", code, errOut, s.server, topics, s.username, tc.server, tc.topics, tc.user)
			}
		})
	}
	// The same layer giving both is still refused in words.
	t.Setenv("MQTTCHAT_URL", "")
	writeConfig(t, "[profile.p]\nurl = 'mqtt://x'\nport = 1\n", 0o600)
	if code, _, errOut := runCLI(t, "--profile", "p"); code != 2 || !strings.Contains(errOut, "[profile.p]: url cannot be combined with host or port") {
		t.Fatalf("same layer: %d %q", code, errOut)
	}
}

func TestConfigFileMustBeARegularFileOfSaneSize(t *testing.T) {
	cases := []struct {
		name string
		make func(path string) error
		want string
	}{
		{"fifo", func(p string) error { return syscall.Mkfifo(p, 0o600) }, ": not a regular file (it is a FIFO (named pipe))"},
		{"device", func(p string) error { return os.Symlink("/dev/zero", p) }, ": not a regular file (it is a character device)"},
		{"folder", func(p string) error { return os.Mkdir(p, 0o700) }, ": not a regular file (it is a folder)"},
		{"huge", func(p string) error { return os.WriteFile(p, make([]byte, 1<<20+1), 0o600) }, ": too large: more than 1 MiB"},
	}
	for _, tc := range cases {
		dir := t.TempDir()
		t.Setenv("XDG_CONFIG_HOME", dir)
		path := filepath.Join(dir, "mqttchat", "config.toml")
		os.MkdirAll(filepath.Dir(path), 0o700)
		if err := tc.make(path); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		var code int
		var errOut string
		go func() { code, _, errOut = runCLI(t, "--print-config"); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: hangs", tc.name)
		}
		if want := "mqttchat: config file: " + path + tc.want + "\n"; code != 2 || errOut != want {
			t.Errorf("%s: status %d, stderr %q; want 2 and %q", tc.name, code, errOut, want)
		}
	}
}

func TestPrecedenceFlagEnvProfileConfig(t *testing.T) {
	writeConfig(t, `
qos = 1
topics = ["from/config"]
username = "config-user"
history_size = "2GiB"
[profile.prod]
url = "mqtt://prod.example:1884/from/profile-url"
topics = ["from/profile"]
password = "hunter2"
username = "prod-user"
keepalive = 30
`, 0o600)
	t.Setenv("MQTTCHAT_CLIENT_ID", "envid")
	t.Setenv("MQTTCHAT_USERNAME", "env-user")

	code, out, errOut := runCLI(t, "--profile", "prod", "--print-config", "-q", "2")
	if code != 0 {
		t.Fatalf("print-config: %d %s", code, errOut)
	}
	for _, want := range []string{
		`qos                    = 2`, `# --qos`,
		`topics                 = ["from/profile"]`,
		`username               = "env-user"`, `# MQTTCHAT_USERNAME`,
		`password               = "********"`,
		`id                     = "envid"`,
		`keepalive              = 30`, `[profile.prod]`,
		`history_size           = "2GiB"`,
		"resolved: broker tcp://prod.example:1884; subscriptions from/profile-url (q2), from/profile (q2)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("print-config lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "hunter2") {
		t.Fatal("print-config shows the password")
	}
	// A -t on the command line replaces the profile's topics (its URL's topic
	// too); -h replaces the host of the profile's URL, which keeps its port.
	s, code, errOut := settingsFor(t, "--profile", "prod", "-t", "mine", "-h", "127.0.0.1")
	if code != 0 {
		t.Fatal(errOut)
	}
	if len(s.subscriptions) != 1 || s.subscriptions[0].Filter != "mine" || s.server != "tcp://127.0.0.1:1884" || !s.named {
		t.Fatalf("flags over profile: %+v", s)
	}
	// MQTTCHAT_URL names a broker: no built-in broker.
	t.Setenv("MQTTCHAT_URL", "mqtt://envhost:1999")
	s, _, _ = settingsFor(t)
	if s.server != "tcp://envhost:1999" || !s.named {
		t.Fatalf("MQTTCHAT_URL: %+v", s)
	}
	// Without anything naming one, the built-in broker decides.
	os.Unsetenv("MQTTCHAT_URL")
	writeConfig(t, "qos = 1\n", 0o600)
	if s, _, _ = settingsFor(t); s.named {
		t.Fatal("no broker named, yet named")
	}
}

func TestReadableConfigWithPasswordWarns(t *testing.T) {
	path := writeConfig(t, "username = 'u'\npassword = 'p'\n", 0o644)
	code, _, errOut := runCLI(t, "--print-config")
	if code != 0 || !strings.Contains(errOut, "warning: "+path+" holds a password and other users can read it") {
		t.Fatalf("status %d, stderr %q", code, errOut)
	}
	writeConfig(t, "username = 'u'\npassword = 'p'\n", 0o600)
	if _, _, errOut := runCLI(t, "--print-config"); errOut != "" {
		t.Fatalf("private config warned: %q", errOut)
	}
}

func TestTLSDefaultsFollowMosquitto(t *testing.T) {
	certs := brokertest.MakeCerts(t)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	s, _, errOut := settingsFor(t, "-h", "broker", "--cafile", certs.CA)
	if s.server != "ssl://broker:8883" || s.tls == nil || s.tls.ServerName != "broker" || s.tls.InsecureSkipVerify {
		t.Fatalf("--cafile: %q %s", s.server, errOut)
	}
	s, _, _ = settingsFor(t, "-h", "broker", "-p", "9999", "--cafile", certs.CA)
	if s.server != "ssl://broker:9999" {
		t.Fatalf("--cafile -p: %q", s.server)
	}
	// A FIFO or device in --capath is skipped, not read (it would hang).
	capath := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(capath, "fifo.pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/dev/zero", filepath.Join(capath, "zero.pem"))
	ca, _ := os.ReadFile(certs.CA)
	os.WriteFile(filepath.Join(capath, "ca.pem"), ca, 0o600)
	s, code, errOut := settingsFor(t, "-h", "broker", "--capath", capath)
	if code != 0 || s.tls == nil || s.tls.RootCAs == nil {
		t.Fatalf("--capath with a FIFO in it: %d %q", code, errOut)
	}
	s, _, _ = settingsFor(t, "-L", "ws://h")
	if s.server != "ws://h:80/mqtt" || s.tls != nil {
		t.Fatalf("ws: %q", s.server)
	}
	s, _, _ = settingsFor(t, "-V", "mqttv31", "-k", "5", "-c", "-i", "me", "--will-topic", "bye", "--will-payload", "gone", "--will-retain")
	if s.protocol != 3 || s.keepalive.Seconds() != 5 || !s.persistent || s.will == nil || !s.will.Retained || string(s.will.Payload) != "gone" {
		t.Fatalf("session settings: %+v", s)
	}
	if s.maxInFlight != 20 {
		t.Fatalf("max in-flight by default: %d, want 20", s.maxInFlight)
	}
	s, _, _ = settingsFor(t, "-M", "5")
	if connConfig(s).MaxInFlight != 5 {
		t.Fatalf("-M 5: %d", connConfig(s).MaxInFlight)
	}
}

// TestURLPasswordsAreMasked: a password in a URL — from -L, MQTTCHAT_URL or
// the config file — is never shown: not by --print-config, not in errors.
func TestURLPasswordsAreMasked(t *testing.T) {
	const pw = "hunter2:x/y"
	cases := []struct {
		name      string
		env, conf string
		args      []string
		code      int
		want      string
	}{
		{"flag", "", "", []string{"-L", "mqtt://u:" + pw + "@broker:1884/t", "--print-config"}, 0, `url                    = "mqtt://u:****@broker:1884/t"`},
		{"env", "mqtt://u:" + pw + "@broker", "", []string{"--print-config"}, 0, `url                    = "mqtt://u:****@broker"`},
		{"config", "", "url = 'mqtt://u:" + pw + "@broker'\n", []string{"--print-config"}, 0, `url                    = "mqtt://u:****@broker"`},
		{"flag, bad port", "", "", []string{"-L", "mqtt://u:" + pw + "@broker:x"}, 2, `--url: port "x" is not a number`},
		{"flag, no scheme", "", "", []string{"-L", "u:" + pw + "@broker"}, 2, `--url: "u:****@broker" is not a URL`},
		{"env, no host", "mqtt://u:" + pw + "@", "", nil, 2, "MQTTCHAT_URL: no host"},
		{"env, empty user", "mqtt://:" + pw + "@h", "", nil, 2, `MQTTCHAT_URL: empty user name before '@' in "mqtt://:****@h"`},
		{"config, bad host", "", "url = 'mqtt://u:" + pw + "@a b'\n", nil, 2, `url: invalid host "a b"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			writeConfig(t, tc.conf, 0o600)
			t.Setenv("MQTTCHAT_URL", tc.env)
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Fatalf("status %d, stdout %q, stderr %q; want %d and %q", code, out, errOut, tc.code, tc.want)
			}
			for _, piece := range []string{"hunter2", "x/y"} {
				if strings.Contains(out+errOut, piece) {
					t.Fatalf("shows %q of the password: %s%s", piece, out, errOut)
				}
			}
		})
	}
}

// TestControlCharactersFromEveryLayer: a client id or host with a control
// character is refused whether it comes from a flag, a variable or the
// config file, on one line.
func TestControlCharactersFromEveryLayer(t *testing.T) {
	cases := []struct {
		env, val, conf string
		want           string
	}{
		{"MQTTCHAT_CLIENT_ID", "id\x1b]2;PWNED\a", "", `MQTTCHAT_CLIENT_ID: "id\x1b]2;PWNED\a" holds a control character (U+001B)`},
		{"MQTTCHAT_URL", "mqtt://h\x1b[5m:1883/t", "", `MQTTCHAT_URL: host "h\x1b[5m" holds a control character (U+001B)`},
		{"", "", "id = \"a\\u0007b\"\n", `: id: "a\ab" holds a control character (U+0007)`},
		{"", "", "host = \"h\\nx\"\n", `: host: host "h\nx" holds a control character (U+000A)`},
	}
	for _, tc := range cases {
		writeConfig(t, tc.conf, 0o600)
		if tc.env != "" {
			t.Setenv(tc.env, tc.val)
		}
		code, _, errOut := runCLI(t, "--print-config")
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 || strings.Contains(errOut, "\x1b") {
			t.Errorf("%s%s: status %d, stderr %q; want 2 and one line with %q", tc.env, tc.conf, code, errOut, tc.want)
		}
		if tc.env != "" {
			t.Setenv(tc.env, "")
		}
	}
}
