package cli

import (
	"slices"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn"
)

// TestPropertyErrors: every bad -D is one line naming it, exit status 2.
func TestPropertyErrors(t *testing.T) {
	tests := []struct {
		args string
		want string
	}{
		{"-D", "-D: give COMMAND PROPERTY VALUE, or COMMAND user-property KEY VALUE"},
		{"-D connect receive-maximum", "-D: give COMMAND PROPERTY VALUE, or COMMAND user-property KEY VALUE"},
		{"--property publish user-property k", "--property: give COMMAND PROPERTY VALUE, or COMMAND user-property KEY VALUE"},
		{"-D auth user-property a b", "-D auth: unknown command (use connect, publish, subscribe, unsubscribe, disconnect or will)"},
		{"-D connect colour 1", "-D connect colour: unknown property"},
		{"-D connect content-type x", "-D connect content-type: not allowed for connect (it takes session-expiry-interval, receive-maximum, maximum-packet-size, topic-alias-maximum, request-response-information, request-problem-information, user-property, authentication-method, authentication-data)"},
		{"-D subscribe content-type x", "-D subscribe content-type: not allowed for subscribe (it takes subscription-identifier, user-property)"},
		{"-D publish will-delay-interval 5", "-D publish will-delay-interval: not allowed for publish (it takes payload-format-indicator, message-expiry-interval, content-type, response-topic, correlation-data, topic-alias, user-property)"},
		{"-D connect receive-maximum lots", `-D connect receive-maximum: "lots" is not a whole number from 1 to 65535`},
		{"-D connect receive-maximum 0", `-D connect receive-maximum: "0" is not a whole number from 1 to 65535`},
		{"-D publish payload-format-indicator 2", `-D publish payload-format-indicator: "2" is not a whole number from 0 to 1`},
		{"-D publish message-expiry-interval -1", `-D publish message-expiry-interval: "-1" is not a whole number from 0 to 4294967295`},
		{"-D subscribe subscription-identifier 268435456", `-D subscribe subscription-identifier: "268435456" is not a whole number from 1 to 268435455`},
		{"-D publish response-topic a/+", `-D publish response-topic: "a/+": topic name must not contain + or #`},
		{"-D publish user-property k a\x1bb", `-D publish user-property: "a\x1bb" holds U+001B (a control character), which brokers refuse in an MQTT string`},
		{"-D connect user-property k\uffff v", `-D connect user-property: "k\uffff" holds U+FFFF (a non-character), which brokers refuse in an MQTT string`},
		{"-D publish content-type text\x7f", `-D publish content-type: "text\x7f" holds U+007F (a control character), which brokers refuse in an MQTT string`},
		{"-D publish response-topic r/\u009b", `-D publish response-topic: "r/\u009b" holds U+009B (a control character), which brokers refuse in an MQTT string`},
		{"--will-topic w -D will content-type \x01", `-D will content-type: "\x01" holds U+0001 (a control character), which brokers refuse in an MQTT string`},
		{"-D publish topic-alias 1", "-D publish topic-alias: not supported: mqttchat sends every topic in full"},
		{"-D connect topic-alias-maximum 10", "-D connect topic-alias-maximum: not supported: mqttchat sets it to what it resolves itself"},
		{"-D connect authentication-method SCRAM", "-D connect authentication-method: not supported: mqttchat has no enhanced authentication (AUTH)"},
		{"-D publish content-type a -D publish content-type b", "-D publish content-type: given twice (only user-property repeats)"},
		{"-V 311 -D publish content-type a", "-D: MQTT 5 properties need MQTT 5, but --protocol-version gives MQTT 3.1.1"},
		{"-V mqttv31 -D connect receive-maximum 5", "-D: MQTT 5 properties need MQTT 5, but --protocol-version gives MQTT 3.1"},
		{"-D will content-type text/plain", "-D will: needs --will-topic"},
		{"-D connect session-expiry-interval 60", "-D connect session-expiry-interval: needs a kept session (-c with -i), as -x does"},
		{"-c -i me -x 60 -D connect session-expiry-interval 60", "-D connect session-expiry-interval: --session-expiry gives the session expiry already"},
		{"-D disconnect session-expiry-interval 60", "-D disconnect session-expiry-interval: a session that ends with the connection cannot be extended at DISCONNECT (MQTT-3.14.2-2): use -c"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			code, _, stderr := runApp(t, func(settings, sources) error { t.Fatal("started"); return nil }, strings.Fields(tt.args)...)
			if code != 2 || stderr != "mqttchat: "+tt.want+"\n" {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

// TestPropertiesReachTheConfig: good -D groups choose MQTT 5 (without
// -V) and land in the connection's configuration, user properties in
// order.
func TestPropertiesReachTheConfig(t *testing.T) {
	var got mqttconn.Config
	var protocol uint
	code, _, stderr := runApp(t, func(s settings, _ sources) error {
		got, protocol = connConfig(s), s.protocol
		return nil
	}, "-c", "-i", "me", "--will-topic", "gone",
		"-D", "connect", "receive-maximum", "10", "-D", "CONNECT", "user-property", "a", "1", "-D", "connect", "user-property", "a", "2",
		"-D", "connect", "session-expiry-interval", "120", "-D", "connect", "request-problem-information", "0",
		"-D", "publish", "content-type", "text/plain", "-D", "publish", "correlation-data", "xyz",
		"-D", "subscribe", "subscription-identifier", "7", "-D", "unsubscribe", "user-property", "u", "v",
		"-D", "disconnect", "reason-string", "bye", "-D", "disconnect", "session-expiry-interval", "0",
		"-D", "will", "will-delay-interval", "30", "-D", "will", "content-type", "text/plain", "-t", "x/#")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	c := got.ConnectProperties
	if protocol != 5 || c == nil || c.ReceiveMaximum != 10 || !c.NoProblemInfo ||
		!slices.Equal(c.User, []mqttconn.UserProperty{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}}) || got.SessionExpiry != 2*time.Minute {
		t.Fatalf("protocol %d, connect %+v, session expiry %v", protocol, c, got.SessionExpiry)
	}
	if p := got.PublishProperties; p == nil || p.ContentType != "text/plain" || string(p.CorrelationData) != "xyz" {
		t.Fatalf("publish %+v", p)
	}
	if s := got.SubscribeProperties; s == nil || s.ID != 7 || len(got.UnsubscribeUser) != 1 {
		t.Fatalf("subscribe %+v, unsubscribe %v", s, got.UnsubscribeUser)
	}
	if d := got.DisconnectProperties; d == nil || d.Reason != "bye" || d.SessionExpiry == nil || *d.SessionExpiry != 0 {
		t.Fatalf("disconnect %+v", d)
	}
	if w := got.Will; w == nil || w.Delay != 30*time.Second || w.Properties == nil || w.Properties.ContentType != "text/plain" {
		t.Fatalf("will %+v", w)
	}
	if got.Subscriptions[0].Filter != "x/#" {
		t.Fatalf("the flags after -D were lost: %+v", got.Subscriptions)
	}
}

// TestPropertiesInTheConfigFile: a profile's properties key is -D's
// equivalent (values may hold spaces), checked like -D, and -D on the
// command line replaces it; -D belongs to the chat, not to history.
func TestPropertiesInTheConfigFile(t *testing.T) {
	path := writeConfig(t, `[profile.lab]
properties = [["connect", "user-property", "site", "my lab"], ["publish", "content-type", "text/plain"]]
[profile.bad]
properties = [["publish", "colour", "red"]]
`, 0o600)
	var got mqttconn.Config
	keep := func(s settings, _ sources) error { got = connConfig(s); return nil }
	if code, _, stderr := runApp(t, keep, "--profile", "lab"); code != 2 ||
		stderr != "mqttchat: "+path+" [profile.bad]: properties: -D publish colour: unknown property\n" {
		t.Fatalf("a bad profile: exit %d, %q", code, stderr)
	}
	writeConfig(t, `[profile.lab]
properties = [["connect", "user-property", "site", "my lab"], ["publish", "content-type", "text/plain"]]
`, 0o600)
	if code, _, stderr := runApp(t, keep, "--profile", "lab"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got.ProtocolVersion != 5 || got.ConnectProperties == nil || got.ConnectProperties.User[0].Value != "my lab" ||
		got.PublishProperties == nil || got.PublishProperties.ContentType != "text/plain" {
		t.Fatalf("from the profile: %+v %+v %+v", got.ProtocolVersion, got.ConnectProperties, got.PublishProperties)
	}
	if code, _, stderr := runApp(t, keep, "--profile", "lab", "-D", "publish", "content-type", "application/json"); code != 0 ||
		got.ConnectProperties != nil || got.PublishProperties.ContentType != "application/json" {
		t.Fatalf("-D over the profile: exit %d %s, %+v", code, stderr, got)
	}
	if code, out, _ := runApp(t, nil, "--profile", "lab", "--print-config"); code != 0 ||
		!strings.Contains(out, `protocol_version       = "5"`) || !strings.Contains(out, "(MQTT 5 properties)") {
		t.Fatalf("--print-config: exit %d\n%s", code, out)
	}
	if code, _, stderr := runApp(t, nil, "history", "-D", "publish", "content-type", "x"); code != 2 || !strings.Contains(stderr, "unknown shorthand flag: 'D'") {
		t.Fatalf("history -D: exit %d, %q", code, stderr)
	}
}
