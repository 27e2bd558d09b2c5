package mqttconn_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// connect5Fields reads what the tests check of an MQTT 5 CONNECT: the
// clean start flag and the client id.
func connect5Fields(body []byte) (cleanStart bool, clientID string, err error) {
	// Protocol name "MQTT" (6 bytes), level, flags, keep-alive (2).
	if len(body) < 10 || body[6] != 5 {
		return false, "", errors.New("not an MQTT 5 CONNECT")
	}
	cleanStart = body[7]&2 != 0
	rest := body[10:]
	n, used := varint(rest)
	if used == 0 || len(rest) < used+n+2 {
		return false, "", errors.New("CONNECT properties past the packet")
	}
	rest = rest[used+n:]
	l := int(binary.BigEndian.Uint16(rest))
	if len(rest) < 2+l {
		return false, "", errors.New("client id past the packet")
	}
	return cleanStart, string(rest[2 : 2+l]), nil
}

// varint reads an MQTT variable byte integer: its value and its length.
func varint(b []byte) (n, used int) {
	mult := 1
	for i, c := range b {
		n += int(c&0x7f) * mult
		mult *= 128
		if c&0x80 == 0 {
			return n, i + 1
		}
		if i == 3 {
			break
		}
	}
	return 0, 0
}

// subscribe5 reads the one filter and options byte of an MQTT 5 SUBSCRIBE.
func subscribe5(p scripted.Packet) (filter string, options byte, err error) {
	if p.Type != scripted.Subscribe || len(p.Body) < 3 {
		return "", 0, fmt.Errorf("not a SUBSCRIBE: type %d", p.Type)
	}
	rest := p.Body[2:]
	n, used := varint(rest)
	rest = rest[used+n:]
	if len(rest) < 2 {
		return "", 0, errors.New("SUBSCRIBE without a filter")
	}
	l := int(binary.BigEndian.Uint16(rest))
	if len(rest) != 2+l+1 {
		return "", 0, fmt.Errorf("SUBSCRIBE of %d bytes for a filter of %d", len(rest), l)
	}
	return string(rest[2 : 2+l]), rest[2+l], nil
}

// publish5 is the body of an MQTT 5 QoS 0 PUBLISH with a topic alias.
func publish5(topic string, alias uint16, payload string) []byte {
	b := binary.BigEndian.AppendUint16(nil, uint16(len(topic)))
	b = append(b, topic...)
	b = append(b, 3, 0x23, byte(alias>>8), byte(alias))
	return append(b, payload...)
}

// TestV5ScriptedSubscriptionOptions: the options of each subscription go
// in its SUBSCRIBE's options byte, the same again after a reconnect; a
// filter without options sends them off.
func TestV5ScriptedSubscriptionOptions(t *testing.T) {
	want := map[string]byte{
		"a/#":          1 | 4 | 8 | 2<<4, // QoS 1, No Local, Retain As Published, Retain Handling 2
		"$share/g/b/+": 2 | 1<<4,         // QoS 2, Retain Handling 1
		"plain":        0,
		"added":        4 | 1,
	}
	got := make(chan string, 16)
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
			return err
		}
		if err := c.Write(scripted.Connack, 0, []byte{0, 0, 0}); err != nil {
			return err
		}
		for n := 0; ; n++ {
			p, err := c.Expect(scripted.Subscribe, time.Minute)
			if err != nil {
				return nil
			}
			f, opt, err := subscribe5(p)
			if err != nil {
				return err
			}
			if opt != want[f] {
				return fmt.Errorf("connection %d: %q options 0x%02x, want 0x%02x", c.N, f, opt, want[f])
			}
			got <- fmt.Sprintf("%d %s", c.N, f)
			if err := c.Write(scripted.Suback, 0, []byte{byte(p.ID() >> 8), byte(p.ID()), 0, opt & 3}); err != nil {
				return err
			}
			if c.N == 1 && n == 2 {
				return nil // the connection ends: the client subscribes again
			}
		}
	})
	c, col := newClient5(t, b.URL(), nil,
		mqttconn.Subscription{Filter: "a/#", QoS: 1, NoLocal: true, RetainAsPublished: true, RetainHandling: mqttconn.RetainSendNever},
		mqttconn.Subscription{Filter: "$share/g/b/+", QoS: 2, RetainHandling: mqttconn.RetainSendNew},
		mqttconn.Subscription{Filter: "plain"})
	seen := map[string]bool{}
	for len(seen) < 6 {
		select {
		case s := <-got:
			seen[s] = true
		case <-time.After(15 * time.Second):
			t.Fatalf("subscriptions seen: %v", seen)
		}
	}
	for _, s := range []string{"1 a/#", "1 $share/g/b/+", "1 plain", "2 a/#", "2 $share/g/b/+", "2 plain"} {
		if !seen[s] {
			t.Errorf("no SUBSCRIBE %q; seen %v", s, seen)
		}
	}
	col.waitFor(t, 0, "resubscribed", kind(mqttconn.KindResubscribed))
	if err := c.SubscribeWith(mqttconn.Subscription{Filter: "added", QoS: 1, NoLocal: true}); err != nil {
		t.Fatal(err)
	}
	col.waitFor(t, 0, "subscribed to added", subscribedTo("added"))
	if subs := c.Subscriptions(); len(subs) != 4 || !subs[3].NoLocal {
		t.Fatalf("wanted set: %+v", subs)
	}
}

// TestSubscriptionOptionsRefused: options over MQTT 3.1.1, No Local on a
// shared subscription and a retain handling of 3 are refused before
// anything is sent, in words.
func TestSubscriptionOptionsRefused(t *testing.T) {
	tests := []struct {
		name     string
		protocol uint
		sub      mqttconn.Subscription
		want     string
	}{
		{"no local over 3.1.1", 4, mqttconn.Subscription{Filter: "a", NoLocal: true}, "need MQTT 5"},
		{"retain handling over 3.1.1", 4, mqttconn.Subscription{Filter: "a", RetainHandling: 1}, "need MQTT 5"},
		{"no local on $share", 5, mqttconn.Subscription{Filter: "$share/g/a", NoLocal: true}, "MQTT-3.8.3-4"},
		{"no local on $queue", 5, mqttconn.Subscription{Filter: "$queue/a", NoLocal: true}, "shared subscription"},
		{"retain handling 3", 5, mqttconn.Subscription{Filter: "a", RetainHandling: 3}, "retain handling 3"},
		{"bad shared filter", 5, mqttconn.Subscription{Filter: "$share/g+/a"}, "must not contain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := mqttconn.Config{Server: "tcp://127.0.0.1:1", ProtocolVersion: tc.protocol}
			c, err := mqttconn.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.SubscribeWith(tc.sub); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("SubscribeWith: %v, want %q", err, tc.want)
			}
			if len(c.Subscriptions()) != 0 {
				t.Fatal("a refused subscription joined the wanted set")
			}
			cfg.Subscriptions = []mqttconn.Subscription{tc.sub}
			if _, err := mqttconn.New(cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want %q", err, tc.want)
			}
		})
	}
	// Retain as published alone, over MQTT 5, is fine.
	c, err := mqttconn.New(mqttconn.Config{Server: "tcp://127.0.0.1:1", ProtocolVersion: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SubscribeWith(mqttconn.Subscription{Filter: "$share/g/a", RetainAsPublished: true}); err != nil {
		t.Fatal(err)
	}
}

// TestV5ScriptedTopicAliases: an alias set with a topic is used without
// one; an alias never set, one set on an earlier connection, or one over
// our maximum ends the connection with DISCONNECT 0x94 (topic alias
// invalid), and the message is not delivered.
func TestV5ScriptedTopicAliases(t *testing.T) {
	disconnects := make(chan string, 4)
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
			return err
		}
		if err := c.Write(scripted.Connack, 0, []byte{0, 0, 0}); err != nil {
			return err
		}
		var sends [][]byte
		switch c.N {
		case 1:
			sends = [][]byte{publish5("t/a", 1, "one"), publish5("", 1, "two"), publish5("", 2, "unknown")}
		case 2:
			sends = [][]byte{publish5("", 1, "from the last connection")}
		case 3:
			sends = [][]byte{publish5("x", mqttconn.TopicAliasMax+1, "over the maximum")}
		default:
			_, _ = c.Expect(scripted.Disconnect, time.Minute)
			return nil
		}
		for _, s := range sends {
			if err := c.Write(scripted.Publish, 0, s); err != nil {
				return err
			}
		}
		p, err := c.Expect(scripted.Disconnect, scripted.Wait)
		if err != nil {
			return err
		}
		disconnects <- fmt.Sprintf("% x", p.Body)
		return nil
	})
	var mu sync.Mutex
	var aliasMax string
	_, col := newClient5(t, b.URL(), func(c *mqttconn.Config) {
		c.OnPacket = func(p mqttconn.Packet) {
			if p.Out && p.Type == mqttconn.TypeConnect {
				for _, pr := range p.Props {
					if pr.Name == "Topic Alias Maximum" {
						mu.Lock()
						aliasMax = pr.Value
						mu.Unlock()
					}
				}
			}
		}
	})
	for i := range 3 {
		select {
		case d := <-disconnects:
			if d != "94" {
				t.Fatalf("DISCONNECT %d: % s, want reason code 94", i+1, d)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("no DISCONNECT %d", i+1)
		}
	}
	i := col.waitFor(t, 0, "lost 1", kind(mqttconn.KindLost))
	i = col.waitFor(t, i+1, "lost 2", kind(mqttconn.KindLost))
	col.waitFor(t, i+1, "lost 3", kind(mqttconn.KindLost))
	mu.Lock()
	if aliasMax != fmt.Sprint(mqttconn.TopicAliasMax) {
		t.Errorf("CONNECT's Topic Alias Maximum: %q", aliasMax)
	}
	mu.Unlock()
	var msgs []mqttconn.Message
	var lost []string
	col.mu.Lock()
	for _, e := range col.events {
		switch e.Kind {
		case mqttconn.KindMessage:
			msgs = append(msgs, e.Message)
		case mqttconn.KindLost:
			lost = append(lost, e.Err.Error())
		}
	}
	col.mu.Unlock()
	if len(msgs) != 2 || msgs[0].Topic != "t/a" || msgs[1].Topic != "t/a" || string(msgs[1].Payload) != "two" {
		t.Fatalf("messages: %+v", msgs)
	}
	for _, m := range msgs {
		if m.Properties == nil || m.Properties.TopicAlias != 1 {
			t.Fatalf("message %q: properties %+v, want topic alias 1", m.Payload, m.Properties)
		}
	}
	want := []string{
		"the broker used topic alias 2 before setting it on this connection: we disconnected (topic alias invalid)",
		"the broker used topic alias 1 before setting it on this connection: we disconnected (topic alias invalid)",
		fmt.Sprintf("the broker sent topic alias %d, outside 1–%d (the most we allow): we disconnected (topic alias invalid)", mqttconn.TopicAliasMax+1, mqttconn.TopicAliasMax),
	}
	if len(lost) < 3 || strings.Join(lost[:3], "\n") != strings.Join(want, "\n") {
		t.Fatalf("lost:\n%s\nwant:\n%s", strings.Join(lost, "\n"), strings.Join(want, "\n"))
	}
}

// TestV5ScriptedAssignedClientID: with AssignClientID the first CONNECT
// has an empty client id; the CONNACK's Assigned Client Identifier is
// reported, and the reconnect asks for the session under it.
func TestV5ScriptedAssignedClientID(t *testing.T) {
	ids := make(chan string, 4)
	b := scripted.Start(t, func(c *scripted.Conn) error {
		p, err := c.Expect(scripted.Connect, scripted.Wait)
		if err != nil {
			return err
		}
		clean, id, err := connect5Fields(p.Body)
		if err != nil {
			return err
		}
		ids <- fmt.Sprintf("%v %q", clean, id)
		if c.N == 1 {
			props := append([]byte{0x12, 0, 6}, "srv-42"...)
			props = append(props, 0x13, 0, 30) // Server Keep Alive 30 s
			return c.Write(scripted.Connack, 0, append([]byte{0, 0, byte(len(props))}, props...))
			// and the connection ends
		}
		if err := c.Write(scripted.Connack, 0, []byte{1, 0, 0}); err != nil {
			return err
		}
		_, _ = c.Expect(scripted.Disconnect, time.Minute)
		return nil
	})
	c, col := newClient5(t, b.URL(), func(c *mqttconn.Config) {
		c.AssignClientID, c.PersistentSession = true, true
	})
	for i, want := range []string{`false ""`, `false "srv-42"`} {
		select {
		case got := <-ids:
			if got != want {
				t.Fatalf("CONNECT %d: clean start and id %s, want %s", i+1, got, want)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("no CONNECT %d", i+1)
		}
	}
	i := col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
	if e := col.event(i); e.AssignedID != "srv-42" || e.ServerKeepAlive != 30*time.Second {
		t.Fatalf("first connected event: assigned %q, keep-alive %s", e.AssignedID, e.ServerKeepAlive)
	}
	i = col.waitFor(t, i+1, "connected again", kind(mqttconn.KindConnected))
	if e := col.event(i); e.AssignedID != "" || e.ServerKeepAlive != 0 || !e.SessionPresent {
		t.Fatalf("second connected event: assigned %q, keep-alive %s, session present %v", e.AssignedID, e.ServerKeepAlive, e.SessionPresent)
	}
	if id := c.ClientID(); id != "srv-42" {
		t.Fatalf("ClientID() = %q", id)
	}
}

// TestAssignClientIDChecks: an assigned id needs MQTT 5 and no id given.
func TestAssignClientIDChecks(t *testing.T) {
	for _, cfg := range []mqttconn.Config{
		{Server: "tcp://127.0.0.1:1", AssignClientID: true},
		{Server: "tcp://127.0.0.1:1", AssignClientID: true, ProtocolVersion: 5, ClientID: "mine"},
	} {
		if _, err := mqttconn.New(cfg); err == nil {
			t.Errorf("New(%+v) took it", cfg)
		}
	}
	c, err := mqttconn.New(mqttconn.Config{Server: "tcp://127.0.0.1:1", AssignClientID: true, ProtocolVersion: 5, PersistentSession: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.ClientID() != "" {
		t.Fatalf("ClientID() before any connect: %q", c.ClientID())
	}
}

// TestV5ScriptedUnsuback: each UNSUBACK's reason code is reported in
// words for its filter: success, "no subscription existed" (removed all
// the same), and a refusal with the broker's reason string.
func TestV5ScriptedUnsuback(t *testing.T) {
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
			return err
		}
		if err := c.Write(scripted.Connack, 0, []byte{0, 0, 0}); err != nil {
			return err
		}
		codes := map[string][]byte{"ok": {0}, "gone": {0x11}, "mine": append([]byte{0x87}, reasonString("not yours")...)}
		for {
			p, err := c.Read(time.Minute)
			if err != nil {
				return nil
			}
			switch p.Type {
			case scripted.Subscribe:
				if err := c.Write(scripted.Suback, 0, []byte{byte(p.ID() >> 8), byte(p.ID()), 0, 0}); err != nil {
					return err
				}
			case scripted.Unsubscribe:
				f := string(p.Body[2+1+2:]) // id, empty properties, filter length
				code, ok := codes[f]
				if !ok {
					return fmt.Errorf("UNSUBSCRIBE %q", f)
				}
				body := []byte{byte(p.ID() >> 8), byte(p.ID())}
				if len(code) == 1 {
					body = append(body, 0) // no properties
				} else {
					body = append(body, code[1:]...)
				}
				if err := c.Write(scripted.Unsuback, 0, append(body, code[0])); err != nil {
					return err
				}
			case scripted.Pingreq:
				_ = c.Write(scripted.Pingresp, 0, nil)
			}
		}
	})
	c, col := newClient5(t, b.URL(), nil,
		mqttconn.Subscription{Filter: "ok"}, mqttconn.Subscription{Filter: "gone"}, mqttconn.Subscription{Filter: "mine"})
	col.waitFor(t, 0, "subscribed", subscribedTo("mine"))
	for _, f := range []string{"ok", "gone", "mine"} {
		if err := c.Unsubscribe(f); err != nil {
			t.Fatal(err)
		}
	}
	for f, want := range map[string]string{"ok": "", "gone": "", "mine": `not authorized (the broker says "not yours")`} {
		i := col.waitFor(t, 0, "unsubscribed "+f, func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindUnsubscribed && e.Filter == f })
		got := ""
		if err := col.event(i).Err; err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("UNSUBACK for %s: %q, want %q", f, got, want)
		}
	}
	// The refused one is still held by the broker: it stays wanted.
	if subs := c.Subscriptions(); len(subs) != 1 || subs[0].Filter != "mine" {
		t.Fatalf("wanted after the UNSUBACKs: %+v", subs)
	}
}

// TestV5ScriptedSubscribeIDInUse: a SUBACK or UNSUBACK saying "packet
// identifier in use" (mochi's answer when our id equals one of its own in
// flight) is not a refusal: the packet goes again with another id, up to
// three times, then the refusal is reported in words.
func TestV5ScriptedSubscribeIDInUse(t *testing.T) {
	ids := make(chan string, 16)
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
			return err
		}
		if err := c.Write(scripted.Connack, 0, []byte{0, 0, 0}); err != nil {
			return err
		}
		seen := map[string]int{}
		for {
			p, err := c.Read(time.Minute)
			if err != nil {
				return nil
			}
			var f string
			switch p.Type {
			case scripted.Subscribe:
				f, _, err = subscribe5(p)
				if err != nil {
					return err
				}
			case scripted.Unsubscribe:
				f = "-" + string(p.Body[2+1+2:])
			default:
				continue
			}
			seen[f]++
			ids <- fmt.Sprintf("%s %d", f, p.ID())
			code := byte(0)
			if seen[f] <= map[string]int{"once": 1, "never": 4, "-once": 1}[f] {
				code = 0x91
			}
			if err := c.Write(p.Type+1, 0, []byte{byte(p.ID() >> 8), byte(p.ID()), 0, code}); err != nil {
				return err
			}
		}
	})
	c, col := newClient5(t, b.URL(), nil, mqttconn.Subscription{Filter: "once"}, mqttconn.Subscription{Filter: "never"})
	col.waitFor(t, 0, "subscribed to once", subscribedTo("once"))
	i := col.waitFor(t, 0, "never refused", func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindSubscribeFailed && e.Filter == "never" })
	if err := col.event(i).Err; err == nil || err.Error() != "refused by the broker: packet identifier in use" {
		t.Fatalf("never: %v", err)
	}
	if err := c.Unsubscribe("once"); err != nil {
		t.Fatal(err)
	}
	i = col.waitFor(t, 0, "unsubscribed from once", func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindUnsubscribed && e.Filter == "once" })
	if err := col.event(i).Err; err != nil {
		t.Fatalf("unsubscribe: %v", err)
	}
	got := map[string][]string{}
	for len(ids) > 0 {
		f, id, _ := strings.Cut(<-ids, " ")
		got[f] = append(got[f], id)
	}
	for f, n := range map[string]int{"once": 2, "never": 4, "-once": 2} {
		if len(got[f]) != n {
			t.Errorf("%s sent %d times, want %d: ids %v", f, len(got[f]), n, got[f])
		}
		for i := 1; i < len(got[f]); i++ {
			if got[f][i] == got[f][i-1] {
				t.Errorf("%s sent again with the same id %s", f, got[f][i])
			}
		}
	}
}
