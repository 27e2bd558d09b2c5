package brokerurl

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want URL
	}{
		{"mqtt://broker", URL{Scheme: "mqtt", Host: "broker", Port: 1883}},
		{"tcp://broker:1884", URL{Scheme: "tcp", Host: "broker", Port: 1884}},
		{"MQTT://broker", URL{Scheme: "mqtt", Host: "broker", Port: 1883}},
		{"mqtt://broker/a/#", URL{Scheme: "mqtt", Host: "broker", Port: 1883, Topic: "a/#"}},
		{"mqtt://broker//lead", URL{Scheme: "mqtt", Host: "broker", Port: 1883, Topic: "/lead"}},
		{"mqtt://u:p@broker:1/t", URL{Scheme: "mqtt", Host: "broker", Port: 1, Username: "u", Password: "p", HasUser: true, HasPassword: true, Topic: "t"}},
		{"mqtt://u@broker", URL{Scheme: "mqtt", Host: "broker", Port: 1883, Username: "u", HasUser: true}},
		{"mqtt://u:p%40:x@broker/t%20#", URL{Scheme: "mqtt", Host: "broker", Port: 1883, Username: "u", Password: "p%40:x", HasUser: true, HasPassword: true, Topic: "t%20#"}},
		{"mqtt://u:pa/ss@broker/t", URL{Scheme: "mqtt", Host: "broker", Port: 1883, Username: "u", Password: "pa/ss", HasUser: true, HasPassword: true, Topic: "t"}},
		{"mqtt://u:p@ss@broker/t", URL{Scheme: "mqtt", Host: "broker", Port: 1883, Username: "u", Password: "p@ss", HasUser: true, HasPassword: true, Topic: "t"}},
		{"mqtt://broker/mail@home", URL{Scheme: "mqtt", Host: "broker", Port: 1883, Topic: "mail@home"}},
		{"mqtt://[::1]:1884/t", URL{Scheme: "mqtt", Host: "::1", Port: 1884, Topic: "t"}},
		{"mqtt://[::1]", URL{Scheme: "mqtt", Host: "::1", Port: 1883}},
		{"mqtt://h:0443", URL{Scheme: "mqtt", Host: "h", Port: 443}},
		{"mqtts://h", URL{Scheme: "mqtts", Host: "h", Port: 8883}},
		{"ssl://h/t", URL{Scheme: "ssl", Host: "h", Port: 8883, Topic: "t"}},
		{"tls://h:9883", URL{Scheme: "tls", Host: "h", Port: 9883}},
		{"ws://h", URL{Scheme: "ws", Host: "h", Port: 80, Path: "/mqtt"}},
		{"wss://u:p@h/custom/path", URL{Scheme: "wss", Host: "h", Port: 443, Path: "/custom/path", Username: "u", Password: "p", HasUser: true, HasPassword: true}},
		{"ws://h:8083/", URL{Scheme: "ws", Host: "h", Port: 8083, Path: "/"}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q) error: %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := map[string]string{
		"broker":              "not a URL",
		"http://broker":       "unknown scheme",
		"mqtt://":             "no host",
		"mqtt://broker:0":     "out of range",
		"mqtt://broker:70000": "out of range",
		"mqtt://broker:abc":   "not a number",
		"mqtt://broker:+1883": "not a number",
		"mqtt://broker:0x10":  "not a number",
		"mqtt://broker:":      "empty port",
		"mqtt://@broker":      "empty user",
		"mqtt://[::1":         "unclosed",
		"mqtt://h\x1b]2;x\a":  "control character (U+001B)",
		"mqtt://h\nx:1/t":     "control character (U+000A)",
		"mqtt://h\u009bx":     "control character (U+009B)",
		"mqtt://h\xff/t":      "not valid UTF-8",
		"ws://[::1\x00]/mqtt": "control character (U+0000)",
	}
	for in, want := range tests {
		_, err := Parse(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) error = %v, want it to say %q", in, err, want)
		}
	}
}

func TestServer(t *testing.T) {
	tests := map[string]string{
		"mqtt://[::1]":          "tcp://[::1]:1883",
		"mqtts://h":             "ssl://h:8883",
		"tls://h":               "ssl://h:8883",
		"ssl://h:1":             "ssl://h:1",
		"ws://h":                "ws://h:80/mqtt",
		"wss://h:9/p?x=1":       "wss://h:9/p?x=1",
		"tcp://h/topic/ignored": "tcp://h:1883",
	}
	for in, want := range tests {
		u, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.Server(); got != want {
			t.Errorf("Parse(%q).Server() = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"mqtt://u:p@h:1/t", "tcp://[::1]:2/#", "mqtt://h/a@b", "mqtt://u:a/b@h/t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(s)
		r := Redact(s)
		if err != nil {
			return
		}
		if u.HasPassword && !strings.HasPrefix(strings.ToLower(r), u.Scheme+"://"+strings.ToLower(u.Username)+":****@") {
			t.Fatalf("Redact(%q) = %q", s, r)
		}
		if u.Host == "" || u.Port < 1 || u.Port > 65535 {
			t.Fatalf("Parse(%q) = %+v without error", s, u)
		}
	})
}

func TestRedact(t *testing.T) {
	tests := map[string]string{
		"mqtt://broker":                    "mqtt://broker",
		"mqtt://u@broker/t":                "mqtt://u@broker/t",
		"mqtt://u:hunter2@broker:1884/t":   "mqtt://u:****@broker:1884/t",
		"mqtt://u:p@ss:w@broker/a@b":       "mqtt://u:****@broker/a@b",
		"mqtt://u:pa/ss@broker/t":          "mqtt://u:****@broker/t",
		"wss://u:p@h/custom/path":          "wss://u:****@h/custom/path",
		"mqtt://broker:1883/mail@home":     "mqtt://broker:1883/mail@home",
		"MQTT://u:x@h":                     "MQTT://u:****@h",
		"mqtt://u:hunter2@":                "mqtt://u:****@",       // does not parse: masked all the same
		"u:hunter2@broker":                 "u:****@broker",        // no scheme
		"mqtt://u:hunter2@broker:99999/x@": "mqtt://u:****@",       // does not parse: masked, and more
		"mqtt://u:@broker":                 "mqtt://u:****@broker", // an empty password is still shown as masked
	}
	for in, want := range tests {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParseErrorsNeverHoldThePassword: whatever is wrong with a URL, its
// error does not show the password, nor any quoted piece of it.
func TestParseErrorsNeverHoldThePassword(t *testing.T) {
	const pw = "s3cr:et/pw"
	bad := []string{
		"u:" + pw + "@broker",             // no scheme
		"ftp://u:" + pw + "@broker",       // unknown scheme
		"mqtt://u:" + pw + "@",            // no host
		"mqtt://u:" + pw + "@broker:0",    // port out of range
		"mqtt://u:" + pw + "@broker:x",    // port not a number
		"mqtt://u:" + pw + "@[::1",        // unclosed
		"mqtt://:" + pw + "@broker",       // empty user
		"mqtt://u:" + pw + "@bro ker/t",   // bad host
		"mqtt://u:" + pw + "@a@b:c/d",     // no host after the user part
		"mqtt://u:" + pw + "\x1b@broker:", // empty port
	}
	for _, in := range bad {
		_, err := Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) accepted", in)
			continue
		}
		for _, piece := range []string{"s3cr", "et/pw", "cr:et"} {
			if strings.Contains(err.Error(), piece) {
				t.Errorf("Parse(%q): error %q shows %q of the password", in, err, piece)
			}
		}
	}
}
