package mqttconn_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest/scripted"
)

// TestV5PropertiesInPackets: on an MQTT 5 connection the packets observer
// sees properties: the user property a broker's PUBLISH carries, our own
// name as a user property on the PUBLISH we send, and the reason string of
// the PUBACK that answers it.
func TestV5PropertiesInPackets(t *testing.T) {
	b := scripted.Start(t, func(c *scripted.Conn) error {
		if _, err := c.Expect(scripted.Connect, scripted.Wait); err != nil {
			return err
		}
		if c.N > 1 {
			return nil
		}
		if err := c.Write(scripted.Connack, 0, []byte{0, 0, 0}); err != nil {
			return err
		}
		// Topic "in", no packet id, a user property color=blue, payload "hi".
		up := []byte{0x26, 0, 5, 'c', 'o', 'l', 'o', 'r', 0, 4, 'b', 'l', 'u', 'e'}
		body := append(append([]byte{0, 2, 'i', 'n', byte(len(up))}, up...), "hi"...)
		if err := c.Write(scripted.Publish, 0, body); err != nil {
			return err
		}
		p, err := c.Expect(scripted.Publish, scripted.Wait)
		if err != nil {
			return err
		}
		_, id, _ := p.Publish()
		if err := c.Write(scripted.Puback, 0, append([]byte{byte(id >> 8), byte(id), 0x10}, reasonString("nobody listens")...)); err != nil {
			return err
		}
		_, _ = c.Expect(scripted.Disconnect, time.Minute)
		return nil
	})
	var mu sync.Mutex
	var seen []mqttconn.Packet
	c, col := newClient5(t, b.URL(), func(c *mqttconn.Config) {
		c.Name = "alice"
		c.OnPacket = func(p mqttconn.Packet) {
			mu.Lock()
			seen = append(seen, p)
			mu.Unlock()
		}
	})
	col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
	id, err := c.Publish(mqttconn.Message{Topic: "out", Payload: []byte("x"), QoS: 1})
	if err != nil {
		t.Fatal(err)
	}
	col.waitFor(t, 0, "acknowledged", publishState(id, mqttconn.StateAcked))
	has := func(p mqttconn.Packet, name, value string) bool {
		for _, pr := range p.Props {
			if pr.Name == name && pr.Value == value {
				return true
			}
		}
		return false
	}
	want := map[string]bool{}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range seen {
		switch {
		case !p.V5 || p.Malformed:
			t.Errorf("packet %s: V5 %v, malformed %v", p.TypeName(), p.V5, p.Malformed)
		case p.Type == mqttconn.TypePublish && !p.Out && has(p, "User Property", "color=blue") && p.PayloadLen == 2:
			want["user property in"] = true
		case p.Type == mqttconn.TypePublish && p.Out && has(p, "User Property", mqttconn.NameProperty+"=alice"):
			want["user property out"] = true
		case p.Type == mqttconn.TypePuback && !p.Out && p.Code == 0x10 && has(p, "Reason String", "nobody listens"):
			want["reason string"] = true
		}
	}
	if len(want) != 3 {
		var all []string
		for _, p := range seen {
			all = append(all, fmt.Sprintf("%s out=%v %+v", p.TypeName(), p.Out, p.Props))
		}
		t.Fatalf("found %v in %q", want, all)
	}
}

// TestV5ReasonStringSaidOnce: a broker's reason string is quoted when it
// says more than the reason code's words, and left out when it says the
// same in other spelling (mochi's "bad username or password").
func TestV5ReasonStringSaidOnce(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&mqttconn.RefusedError{Code: 0x86, V5: true, Reason: "bad username or password"}, "connection refused: bad user name or password"},
		{&mqttconn.RefusedError{Code: 0x86, V5: true, Reason: "Bad user-name or password."}, "connection refused: bad user name or password"},
		{&mqttconn.RefusedError{Code: 0x86, V5: true, Reason: "no such user"}, `connection refused: bad user name or password (the broker says "no such user")`},
		{&mqttconn.ReasonCodeError{Packet: "PUBACK", Code: 0x87, Reason: "Not authorized"}, "not authorized"},
		{&mqttconn.ReasonCodeError{Packet: "DISCONNECT", Code: 0x8E, Reason: "session takeover"},
			`the broker disconnected us: session taken over: another client connected with this client id (the broker says "session takeover")`},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%#v: %q, want %q", tc.err, got, tc.want)
		}
	}
}
