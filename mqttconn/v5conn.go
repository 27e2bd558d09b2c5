package mqttconn

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/eclipse/paho.golang/packets"
	paho5 "github.com/eclipse/paho.golang/paho"

	"mqttchat/mqttconn/topic"
)

// v5conn is what a Client speaking MQTT 5 keeps beside the outbox. Its
// fields are guarded by Client.mu.
type v5conn struct {
	pc              *paho5.Client // the client of the current or last connection
	receiveMax      int           // the broker's Receive Maximum; 0: it set none (65,535)
	maxPacket       uint32        // the broker's Maximum Packet Size; 0: it set none
	assigned        string        // the client id the broker assigned on the last connect, or ""
	serverKeepAlive time.Duration // the broker's Server Keep Alive on the last connect; 0: none
}

// sessionNeverExpires is MQTT 5's session expiry interval for "never".
const sessionNeverExpires = 0xFFFFFFFF

// connect5 makes one MQTT 5 connection attempt: we dial, wrap the
// connection, and let paho.golang's low-level client send CONNECT and read
// CONNACK. From then on paho.golang keeps the keep-alive and inbound
// messages; the pump writes our PUBLISH, PUBREL, SUBSCRIBE and UNSUBSCRIBE.
func (c *Client) connect5(ctx context.Context, server string, clean bool) (*wireConn, bool, error) {
	u, err := url.Parse(server)
	if err != nil {
		return nil, false, err
	}
	conn, err := dial(u, *c.opts)
	if err != nil {
		return nil, false, err
	}
	w := c.wrap(conn)
	w.v5 = true
	w.willProps = c.cfg.willPropsBytes()
	w.onAck5 = func(typ byte, pid uint16, code byte, reason string) {
		c.onAck5(w.epoch.Load(), typ, pid, code, reason)
	}
	aliases := newAliases5() // per connection: reset on every reconnect
	// As over 3.1.1 (connect): QoS 0 is read by the wire, unless a QoS 1/2
	// PUBLISH handed to paho.golang is still to be delivered before it. The
	// two paths never run at once, so the aliases are used by one at a time.
	viaPaho := new(atomic.Int64)
	w.viaPaho = viaPaho
	w.onQoS05 = func(p *packets.Publish) {
		_, _ = c.onPublish5(paho5.PublishReceived{Packet: paho5.PublishFromPacketPublish(p)}, w, aliases)
	}
	onPublish := func(pr paho5.PublishReceived) (bool, error) {
		handled, err := c.onPublish5(pr, w, aliases)
		viaPaho.Add(-1) // after the push: a QoS 0 read meanwhile waits its turn
		return handled, err
	}
	connected := make(chan struct{})
	w.connectReturned = connected
	c.mu.Lock()
	cp := c.connectPacket5(clean)
	c.mu.Unlock()
	pc := paho5.NewClient(paho5.ClientConfig{
		ClientID:                   cp.ClientID,
		Conn:                       wire5{w},
		OnPublishReceived:          []func(paho5.PublishReceived) (bool, error){onPublish},
		PacketTimeout:              c.cfg.ConnectTimeout,
		EnableManualAcknowledgment: true,
		OnClientError:              func(error) {},
	})
	cctx, cancel := context.WithTimeout(ctx, c.cfg.ConnectTimeout)
	defer cancel()
	ca, err := pc.Connect(cctx, cp)
	close(connected)
	if ctx.Err() != nil {
		w.Close()
		return nil, false, ctx.Err()
	}
	if ca != nil && ca.ReasonCode >= 0x80 {
		w.Close()
		reason, server := "", ""
		if ca.Properties != nil {
			reason, server = ca.Properties.ReasonString, ca.Properties.ServerReference
		}
		return nil, false, &RefusedError{Code: ca.ReasonCode, V5: true, Reason: reason, ServerReference: server}
	}
	if err != nil {
		w.Close()
		if p := w.connackPacket(); p != nil && p.Length == 2 && p.Code != 0 {
			// A 3.1.1 CONNACK: the broker does not speak MQTT 5.
			return nil, false, &RefusedError{Code: 0x84, V5: true, Reason: "an MQTT 3.1.1 CONNACK came back"}
		}
		return nil, false, err
	}
	// Drop a retry asked for while this attempt ran.
	select {
	case <-c.retry:
	default:
	}
	c.mu.Lock()
	c.v5.pc, c.wire = pc, w
	c.v5.receiveMax, c.v5.maxPacket = 0, 0
	if p := ca.Properties; p != nil {
		if p.ReceiveMaximum != nil {
			c.v5.receiveMax = int(*p.ReceiveMaximum)
		}
		if p.MaximumPacketSize != nil {
			c.v5.maxPacket = *p.MaximumPacketSize
		}
	}
	c.connackFacts(ca)
	if ka := c.v5.serverKeepAlive; ka > 0 {
		w.keepAlive.Store(int64(ka)) // paho.golang pings at the broker's interval
	}
	c.mu.Unlock()
	return w, ca.SessionPresent, nil
}

// connectPacket5 is our CONNECT, with a Topic Alias Maximum (we resolve
// inbound aliases: aliases5); c.mu is held (the client id may be one the
// broker assigned). clean asks for Clean Start; the session expiry is
// the configured one either way.
func (c *Client) connectPacket5(clean bool) *paho5.Connect {
	cp := &paho5.Connect{
		ClientID:     c.cfg.ClientID,
		KeepAlive:    uint16(max(1, min(c.cfg.KeepAlive/time.Second, 65535))),
		CleanStart:   clean,
		Username:     c.cfg.Username,
		UsernameFlag: c.cfg.Username != "",
		Password:     []byte(c.cfg.Password),
		PasswordFlag: c.cfg.Password != "",
		// Problem information on: reason strings on acks (and mochi sends
		// no user properties at all to a client that asks for none).
		Properties: &paho5.ConnectProperties{RequestProblemInfo: true, TopicAliasMaximum: ptr(uint16(TopicAliasMax))},
	}
	if c.cfg.PersistentSession {
		exp := uint32(sessionNeverExpires)
		if s := c.cfg.SessionExpiry / time.Second; s > 0 && s < sessionNeverExpires {
			exp = uint32(s)
		}
		cp.Properties.SessionExpiryInterval = &exp
	}
	if w := c.cfg.Will; w != nil {
		cp.WillMessage = &paho5.WillMessage{Topic: w.Topic, Payload: w.Payload, QoS: w.QoS, Retain: w.Retained}
		cp.WillProperties = c.cfg.willProperties5()
	}
	c.cfg.applyConnectProperties(cp.Properties)
	return cp
}

// onPublish5 is paho.golang's handler for every inbound PUBLISH of the
// connection w (and our reader's, for QoS 0); like onMessage it never
// blocks and hands the message to deliver. A topic
// alias is resolved with the connection's aliases; a bad one ends the
// connection with DISCONNECT 0x94 (topic alias invalid), the message
// neither delivered nor acknowledged.
func (c *Client) onPublish5(pr paho5.PublishReceived, w *wireConn, aliases *aliases5) (bool, error) {
	p := pr.Packet
	props := fromPaho5(p.Properties)
	topicName := p.Topic
	if p.Properties != nil && p.Properties.TopicAlias != nil {
		alias := *p.Properties.TopicAlias
		t, err := aliases.resolve(p.Topic, alias)
		if err != nil {
			w.abort5(reasonCodeTopicAliasInvalid, err.Error())
			return true, nil
		}
		if props == nil {
			props = &Properties{}
		}
		topicName, props.TopicAlias = t, alias
	}
	msg := Message{
		Topic:      topicName,
		Payload:    p.Payload,
		QoS:        p.QoS,
		Retained:   p.Retain,
		Duplicate:  p.Duplicate(),
		Properties: props,
	}
	var ack func() // QoS 0: none
	if p.QoS > 0 {
		ack = func() {
			if p.QoS == 2 {
				c.recordedQoS2(pr.Client, p.PacketID)
			}
			_ = pr.Client.Ack(p) // fails only when the connection is gone: the broker sends it again
		}
	}
	c.deliver(msg, ack)
	return true, nil
}

// disconnect5 sends DISCONNECT and ends the paho.golang client, waiting at
// most closeWait for each.
func (c *Client) disconnect5() {
	c.mu.Lock()
	pc, w := c.v5.pc, c.wire
	c.mu.Unlock()
	if w != nil {
		w.limitWrites(time.Now().Add(closeWait))
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if pc != nil {
			_ = pc.Disconnect(&paho5.Disconnect{ReasonCode: 0, Properties: c.cfg.disconnectProperties5()})
		}
	}()
	wait := func() {
		t := time.NewTimer(closeWait)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
		}
	}
	wait() // the DISCONNECT written
	if w != nil {
		w.Close()
	}
	wait() // paho.golang's goroutines ended with the connection
}

// window is how many QoS 1/2 messages may be in flight at once: ours, and
// over MQTT 5 never more than the broker's Receive Maximum; c.mu is held.
func (c *Client) window() int {
	if c.v5 != nil && c.v5.receiveMax > 0 {
		return min(c.cfg.MaxInFlight, c.v5.receiveMax)
	}
	return c.cfg.MaxInFlight
}

// checkPublish refuses what the protocol in use cannot carry: properties
// over MQTT 3.1.1, a packet larger than the MQTT 5 broker said it takes
// (known once connected); c.mu is held.
func (c *Client) checkPublish(m Message) error {
	if c.v5 == nil {
		if m.Properties != nil {
			return errors.New("message properties need MQTT 5")
		}
		return nil
	}
	if c.v5.maxPacket == 0 {
		return nil
	}
	size := 0
	for _, p := range publishPacket5(m, 1, false, c.cfg.Name) {
		size += len(p)
	}
	if uint32(size) > c.v5.maxPacket {
		return fmt.Errorf("the message makes a packet of %d bytes; the broker takes at most %d", size, c.v5.maxPacket)
	}
	return nil
}

// onAck5 handles an MQTT 5 PUBACK, PUBREC, PUBCOMP, SUBACK or UNSUBACK
// read on the connection of epoch: a failure (reason code 0x80 and up)
// settles the message or the subscription with the reason in words, and
// a refused PUBREC gets no PUBREL (MQTT 5 §4.3.3); success goes the way of
// MQTT 3.1.1.
func (c *Client) onAck5(epoch uint64, typ byte, pid uint16, code byte, reason string) {
	if code < 0x80 {
		switch typ {
		case TypeSuback, TypeUnsuback:
			c.onSubAck(epoch, pid, code&^0x10) // UNSUBACK 0x11: there was none, gone all the same
		default:
			c.onPubAck(epoch, typ, pid)
		}
		return
	}
	if typ == TypePubcomp { // a failed PUBCOMP: the broker had the message at PUBREC, delivered all the same
		c.onPubAck(epoch, typ, pid)
		return
	}
	rc := &ReasonCodeError{Packet: Packet{Type: typ}.TypeName(), Code: code, Reason: reason}
	c.mu.Lock()
	defer c.kickPump()
	defer c.mu.Unlock()
	if !c.connected || c.epoch != epoch {
		return // read late from a connection given up: its ids may be another's by now
	}
	switch v := c.ids[pid].(type) {
	case *outMessage:
		if i := slices.Index(c.outbox, v); i >= 0 {
			c.remove(i)
			c.emit(Event{Kind: KindPublish, OutID: v.id, State: StateFailed, Err: rc})
		}
	case *pendingSub:
		delete(c.ids, pid)
		v.timer.Stop()
		if c.retryIDInUse(v, code) {
			return
		}
		var err error = rc
		if !v.unsub {
			err = fmt.Errorf("%w: %w", ErrRefused, rc)
		} else {
			c.keepRefusedUnsub(v.Subscription)
		}
		c.subDone(v, code, err)
	}
}

// validate5 checks the settings that only MQTT 5 has.
func (c *Config) validate5() error {
	if c.Name != "" {
		if c.ProtocolVersion != 5 {
			return errors.New("a sender name is sent as an MQTT 5 user property: it needs MQTT 5")
		}
		if !utf8.ValidString(c.Name) || strings.ContainsRune(c.Name, 0) || len(c.Name) > topic.MaxLen {
			return errors.New("sender name: not an MQTT string (valid UTF-8, no U+0000, at most 65535 bytes)")
		}
	}
	if c.AssignClientID {
		if c.ProtocolVersion != 5 {
			return errors.New("a client id assigned by the broker needs MQTT 5")
		}
		if c.ClientID != "" {
			return errors.New("a client id given and one to be assigned by the broker: choose one")
		}
	}
	if c.SessionExpiry < 0 {
		return errors.New("session expiry must not be negative")
	}
	return c.validateProps5()
}

// takenOver says whether a lost connection's error is an MQTT 5
// DISCONNECT for a session taken over: another client connected with our
// client id. Retrying would only take it back, so the retries stop at once,
// as a ReasonTakeover error that keeps the broker's words.
func (c *Client) takenOver(err error) (*ConnectError, bool) {
	var rc *ReasonCodeError
	if !errors.As(err, &rc) || rc.Code != ReasonCodeSessionTakenOver {
		return nil, false
	}
	ce := &ConnectError{Reason: ReasonTakeover, Text: rc.Error(), Fatal: true, Err: err}
	if c.cfg.Hint != nil {
		ce.Hint = c.cfg.Hint(ReasonTakeover)
	}
	return ce, true
}
