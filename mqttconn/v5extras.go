package mqttconn

import (
	"fmt"
	"time"

	paho5 "github.com/eclipse/paho.golang/paho"
)

// TopicAliasMax is the Topic Alias Maximum mqttchat announces in an MQTT 5
// CONNECT: the broker may give up to this many topics a 2-byte alias on
// one connection, and then send PUBLISH packets with the alias and an
// empty topic. paho.golang's low-level client does not resolve them: we do.
const TopicAliasMax = 64

// aliases5 resolves the inbound topic aliases of one MQTT 5 connection
// (MQTT 5 §3.3.2.3.4). A PUBLISH with a topic and an alias sets the alias;
// one with an alias and no topic uses it. A new connection starts empty.
// Only paho.golang's goroutine that hands on PUBLISH packets, in their order
// on the wire, uses it.
type aliases5 struct {
	topics map[uint16]string
}

func newAliases5() *aliases5 { return &aliases5{topics: map[uint16]string{}} }

// resolve is the topic of a PUBLISH that came with the alias, or an error
// in words when the broker broke the rules: an alias of 0 or over our
// maximum, or one used before it was set on this connection.
func (a *aliases5) resolve(topic string, alias uint16) (string, error) {
	switch {
	case alias == 0 || alias > TopicAliasMax:
		return "", fmt.Errorf("the broker sent topic alias %d, outside 1–%d (the most we allow)", alias, TopicAliasMax)
	case topic != "":
		a.topics[alias] = topic
		return topic, nil
	}
	t, ok := a.topics[alias]
	if !ok {
		return "", fmt.Errorf("the broker used topic alias %d before setting it on this connection", alias)
	}
	return t, nil
}

// reasonCodeTopicAliasInvalid is MQTT 5's reason code 0x94.
const reasonCodeTopicAliasInvalid byte = 0x94

// ptr is a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

// abort5 ends an MQTT 5 connection for the broker's protocol error: it
// writes DISCONNECT with the reason code (at most closeWait), records why,
// then closes. It does not block its caller (a paho.golang callback).
func (w *wireConn) abort5(code byte, text string) {
	go w.abortNow(code, text)
}

// abortNow is abort5 on the caller's goroutine (the wire's reader, which
// has nothing more to read).
func (w *wireConn) abortNow(code byte, text string) {
	w.limitWrites(time.Now().Add(closeWait))
	w.wmu.Lock()
	defer w.wmu.Unlock()
	// The reason first (the broker may close as soon as it reads our
	// DISCONNECT); under the write lock, so that the DISCONNECT of the
	// client's own ending (disconnect5) cannot slip in before ours, and
	// after it nothing of paho.golang's goes (write5).
	w.fail(&ProtocolError{Code: code, Text: text})
	pkt := []byte{TypeDisconnect << 4, 1, code}
	w.out.feed(pkt)
	_, _ = w.Conn.Write(pkt)
	_ = w.Conn.Close()
}

// connackFacts are what an MQTT 5 CONNACK told us beyond its reason code,
// for the KindConnected event; c.mu is held.
func (c *Client) connackFacts(ca *paho5.Connack) {
	c.v5.assigned, c.v5.serverKeepAlive = "", 0
	if ca == nil || ca.Properties == nil {
		return
	}
	if id := ca.Properties.AssignedClientID; id != "" {
		// Used from now on, reconnects included: a persistent session
		// resumes under it.
		c.cfg.ClientID, c.v5.assigned = id, id
	}
	if ka := ca.Properties.ServerKeepAlive; ka != nil {
		// paho.golang pings at this interval (Client.Connect).
		c.v5.serverKeepAlive = time.Duration(*ka) * time.Second
	}
}

// addConnackFacts fills a KindConnected event with what the CONNACK said:
// a client id the broker assigned and its keep-alive.
func (c *Client) addConnackFacts(ev *Event) {
	if c.v5 == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ev.AssignedID, ev.ServerKeepAlive = c.v5.assigned, c.v5.serverKeepAlive
}
