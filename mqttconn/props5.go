package mqttconn

import (
	"errors"
	"time"

	"github.com/eclipse/paho.golang/packets"
	paho5 "github.com/eclipse/paho.golang/paho"
)

// ConnectProperties are the MQTT 5 CONNECT properties a user may set
// (mosquitto's -D connect ...). The session expiry is Config.SessionExpiry;
// mqttchat never asks for topic aliases or an authentication method.
type ConnectProperties struct {
	ReceiveMaximum      uint16 // how many QoS 1/2 messages the broker may have in flight to us; 0: not sent (65,535)
	MaximumPacketSize   uint32 // the largest packet we accept; 0: not sent (no limit)
	NoProblemInfo       bool   // Request Problem Information 0: no reason strings on acks
	RequestResponseInfo bool   // Request Response Information 1: the broker may send a Response Information
	User                []UserProperty
}

// SubscribeProperties are the MQTT 5 properties put on every SUBSCRIBE.
type SubscribeProperties struct {
	ID   int // Subscription Identifier, 1 to 268,435,455; 0: none
	User []UserProperty
}

// DisconnectProperties are the MQTT 5 properties of our DISCONNECT.
type DisconnectProperties struct {
	// SessionExpiry, when not nil, replaces the CONNECT's session expiry
	// (whole seconds; 0 ends the session now). Non-zero needs a kept
	// session: a CONNECT with an expiry of 0 cannot be extended (MQTT-3.14.2-2).
	SessionExpiry *time.Duration
	Reason        string
	User          []UserProperty
}

// MaxSubscriptionID is the largest Subscription Identifier (a variable
// byte integer).
const MaxSubscriptionID = 268435455

// mergeProperties is p laid over defaults: p's single values win, and the
// user properties are the defaults' followed by p's. nil when both are.
func mergeProperties(defaults, p *Properties) *Properties {
	if defaults == nil {
		return p
	}
	out := *defaults
	out.User = append([]UserProperty(nil), defaults.User...)
	if p == nil {
		return &out
	}
	if p.PayloadFormat != 0 {
		out.PayloadFormat = p.PayloadFormat
	}
	if p.ContentType != "" {
		out.ContentType = p.ContentType
	}
	if p.ResponseTopic != "" {
		out.ResponseTopic = p.ResponseTopic
	}
	if p.CorrelationData != nil {
		out.CorrelationData = p.CorrelationData
	}
	if p.MessageExpiry != 0 {
		out.MessageExpiry = p.MessageExpiry
	}
	out.User = append(out.User, p.User...)
	return &out
}

// withName is p with the sender's name as its first user property, as it
// goes out on the wire, so that the events (and the history) carry what
// was sent. p is not changed; a message that names a sender already keeps
// its own.
func withName(p *Properties, name string) *Properties {
	if name == "" {
		return p
	}
	if _, ok := p.Get(NameProperty); ok {
		return p
	}
	out := Properties{}
	if p != nil {
		out = *p
	}
	out.User = append([]UserProperty{{Key: NameProperty, Value: name}}, out.User...)
	return &out
}

// userToPaho are user properties as paho.golang takes them.
func userToPaho(u []UserProperty) paho5.UserProperties {
	var out paho5.UserProperties
	for _, p := range u {
		out = append(out, paho5.UserProperty{Key: p.Key, Value: p.Value})
	}
	return out
}

// applyConnectProperties adds the user's CONNECT properties to cp.
func (c *Config) applyConnectProperties(cp *paho5.ConnectProperties) {
	p := c.ConnectProperties
	if p == nil {
		return
	}
	if p.ReceiveMaximum > 0 {
		v := p.ReceiveMaximum
		cp.ReceiveMaximum = &v
	}
	if p.MaximumPacketSize > 0 {
		v := p.MaximumPacketSize
		cp.MaximumPacketSize = &v
	}
	cp.RequestProblemInfo = !p.NoProblemInfo
	cp.RequestResponseInfo = p.RequestResponseInfo
	cp.User = userToPaho(p.User)
}

// willProperties5 are the Will's MQTT 5 properties: its own, its delay, and
// the sender's name first; nil when there are none.
func (c *Config) willProperties5() *paho5.WillProperties {
	w := c.Will
	if w.Properties == nil && w.Delay == 0 && c.Name == "" {
		return nil
	}
	pp := toPackets(w.Properties, c.Name)
	wp := &paho5.WillProperties{
		PayloadFormat:   pp.PayloadFormat,
		MessageExpiry:   pp.MessageExpiry,
		ContentType:     pp.ContentType,
		ResponseTopic:   pp.ResponseTopic,
		CorrelationData: pp.CorrelationData,
		User:            paho5.UserPropertiesFromPacketUser(pp.User),
	}
	if s := w.Delay / time.Second; s > 0 {
		d := uint32(min(s, 0xFFFFFFFF))
		wp.WillDelayInterval = &d
	}
	return wp
}

// disconnectProperties5 are our DISCONNECT's properties, or nil.
func (c *Config) disconnectProperties5() *paho5.DisconnectProperties {
	p := c.DisconnectProperties
	if p == nil {
		return nil
	}
	dp := &paho5.DisconnectProperties{ReasonString: p.Reason, User: userToPaho(p.User)}
	if p.SessionExpiry != nil {
		s := uint32(min(*p.SessionExpiry/time.Second, 0xFFFFFFFF))
		dp.SessionExpiryInterval = &s
	}
	return dp
}

// withProps5 puts props into an MQTT 5 SUBSCRIBE or UNSUBSCRIBE made with
// an empty property list (fixed header, packet id, property length 0,
// payload); pkt is returned as it is when props is empty.
func withProps5(pkt []byte, props *packets.Properties, typ byte) []byte {
	if props == nil {
		return pkt
	}
	enc := props.Pack(typ)
	if len(enc) == 0 {
		return pkt
	}
	// Skip the fixed header: one byte and the remaining length's varint.
	i := 1
	for i < len(pkt) && pkt[i]&0x80 != 0 {
		i++
	}
	i++
	rest := pkt[i:] // packet id, property length (0), payload
	body := make([]byte, 0, len(rest)+len(enc)+4)
	body = append(body, rest[:2]...)
	body = appendVarint(body, len(enc))
	body = append(body, enc...)
	body = append(body, rest[3:]...)
	return append(appendHeader(nil, pkt[0], len(body)), body...)
}

// subscribeProps5 are the properties of our SUBSCRIBE packets, or nil.
func (c *Config) subscribeProps5() *packets.Properties {
	p := c.SubscribeProperties
	if p == nil {
		return nil
	}
	pp := &packets.Properties{}
	if p.ID > 0 {
		id := p.ID
		pp.SubscriptionIdentifier = &id
	}
	for _, u := range p.User {
		pp.User = append(pp.User, packets.User{Key: u.Key, Value: u.Value})
	}
	return pp
}

// unsubscribeProps5 are the properties of our UNSUBSCRIBE packets, or nil.
func (c *Config) unsubscribeProps5() *packets.Properties {
	if len(c.UnsubscribeUser) == 0 {
		return nil
	}
	pp := &packets.Properties{}
	for _, u := range c.UnsubscribeUser {
		pp.User = append(pp.User, packets.User{Key: u.Key, Value: u.Value})
	}
	return pp
}

// validateProps5 checks the MQTT 5 properties of the configuration.
func (c *Config) validateProps5() error {
	set := c.ConnectProperties != nil || c.PublishProperties != nil || c.SubscribeProperties != nil ||
		c.UnsubscribeUser != nil || c.DisconnectProperties != nil ||
		(c.Will != nil && (c.Will.Properties != nil || c.Will.Delay != 0))
	if !set {
		return nil
	}
	if c.ProtocolVersion != 5 {
		return errors.New("MQTT 5 properties need MQTT 5")
	}
	if s := c.SubscribeProperties; s != nil && (s.ID < 0 || s.ID > MaxSubscriptionID) {
		return errors.New("subscription identifier: not between 1 and 268435455")
	}
	if d := c.DisconnectProperties; d != nil && d.SessionExpiry != nil && *d.SessionExpiry > 0 && !c.PersistentSession {
		return errors.New("a DISCONNECT session expiry needs a kept session: the CONNECT's session expiry is 0 (MQTT-3.14.2-2)")
	}
	if c.Will != nil && c.Will.Delay < 0 {
		return errors.New("will delay must not be negative")
	}
	return nil
}
