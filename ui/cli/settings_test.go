package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-p", "0"}, "--port: 0 is out of range (1-65535)"},
		{[]string{"-p", "70000"}, "--port: 70000 is out of range (1-65535)"},
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
		{[]string{"-V", "5"}, "--protocol-version: MQTT 5 is not supported yet (use 311 or 31)"},
		{[]string{"-V", "mqttv5"}, "--protocol-version: MQTT 5 is not supported yet (use 311 or 31)"},
		{[]string{"-V", "4"}, `--protocol-version: "4" is not a protocol version (use 31, 311, mqttv31 or mqttv311)`},
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
		{[]string{"--history-size", "big"}, `--history-size: "big" is not a size (e.g. 500MiB, 1GiB)`},
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
	// A -t on the command line replaces the profile's topics; -h beats the profile's URL.
	s, code, errOut := settingsFor(t, "--profile", "prod", "-t", "mine", "-h", "127.0.0.1")
	if code != 0 {
		t.Fatal(errOut)
	}
	if len(s.subscriptions) != 1 || s.subscriptions[0].Filter != "mine" || s.server != "tcp://127.0.0.1:1883" || !s.named {
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
