package mqttconn

import (
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"math/big"
	"time"

	"mqttchat/mqttconn/topic"
)

// Subscription is a wanted topic filter and the QoS asked for it.
type Subscription struct {
	Filter string
	QoS    byte
	// MQTT 5 subscription options (MQTT 5 §3.8.3.1); all zero is what
	// MQTT 3.1.1 does, and over MQTT 3.1.1 they must stay zero.
	NoLocal           bool // the broker does not send us our own messages on this filter
	RetainAsPublished bool // keep the RETAIN flag as the publisher set it
	RetainHandling    byte // 0: send retained on subscribe; 1: only for a new subscription; 2: never
}

// Config says how to reach the broker and what to ask of it.
type Config struct {
	Server string // paho broker URL: tcp://host:port or ws://host:port/path
	// Servers, when not empty, are the nodes of one cluster, in the order
	// they are tried (Server, if set, must be the first): the connection
	// stays on a node while it works and moves to the next one when it
	// fails (see Client.run). TLS, credentials and the client id apply to
	// every node.
	Servers       []string
	ClientID      string
	Username      string
	Password      string
	KeepAlive     time.Duration // default 60 s
	Subscriptions []Subscription

	QueueLimit     int           // messages held between two drains of the display queue; default 65536
	OutboxLimit    int           // outgoing messages waiting for an ack or a connection; default 10000
	MaxInFlight    int           // QoS 1/2 messages the broker may hold unacknowledged at once (mosquitto_pub -M); default 20
	MinBackoff     time.Duration // first retry delay; default 1 s
	MaxBackoff     time.Duration // cap of the retry delay; default 30 s
	ConnectTimeout time.Duration // default 10 s
	StableAfter    time.Duration // a connection up this long resets the back-off; default 30 s
	TakeoverLimit  int           // connections in a row closed right after CONNACK that stop the retries; default 5
	MaxIncoming    int           // largest inbound PUBLISH (remaining length: topic, id, payload) handed on; default DefaultMaxIncoming

	// OnPacket, when set, sees every MQTT packet on the wire, both ways
	// (fixed header and identifying fields, never a payload). It runs on
	// the connection's reader and writer goroutines and must never block.
	OnPacket func(Packet)

	TLS               *tls.Config // for ssl:// and wss:// servers
	Will              *Will       // the Last Will, or nil
	PersistentSession bool        // clean session off: the broker keeps our subscriptions and queues for us
	// SharedSessions, for a cluster with PersistentSession: its nodes
	// share sessions (EMQX, HiveMQ, VerneMQ clusters), so a move to
	// another node resumes the session and its session-present flag is
	// trusted. Off (the default), the nodes share none (brokers joined by
	// a plain bridge): each node keeps its own, stale once we left it, so
	// a move connects with clean start (see sessionNodes).
	SharedSessions bool
	// SessionNode, for a cluster with PersistentSession, is the node
	// (NodeName: host:port) that held our session when the last run
	// ended, from a NodeStore: the first attempt goes there, without
	// clean start. "" or a node not listed: the first node.
	SessionNode     string
	ProtocolVersion uint // 3 (MQTT 3.1), 4 (MQTT 3.1.1, the default) or 5 (MQTT 5, on eclipse/paho.golang)

	// Name, MQTT 5 only: the sender's name, sent as the user property
	// NameProperty on every message (and the Will).
	Name string
	// SessionExpiry, MQTT 5 with PersistentSession: how long the broker
	// keeps the session after the connection ends, in whole seconds; 0
	// means it never expires (mosquitto_sub -c without -x does the same).
	// Without PersistentSession the session ends with the connection.
	SessionExpiry time.Duration
	// AssignClientID, MQTT 5 only: send an empty client id and use the one
	// the broker assigns in its CONNACK from then on (reconnects resume a
	// persistent session under it). ClientID must be empty.
	AssignClientID bool

	// MQTT 5 properties for the whole run (mosquitto's -D); nil: none.
	// Over MQTT 3.1.1 they must stay nil.
	ConnectProperties *ConnectProperties
	// PublishProperties lie under every message's own properties: the
	// message's single values win, its user properties follow these.
	PublishProperties    *Properties
	SubscribeProperties  *SubscribeProperties // on every SUBSCRIBE
	UnsubscribeUser      []UserProperty       // user properties on every UNSUBSCRIBE
	DisconnectProperties *DisconnectProperties

	// Outbox, when set, keeps QoS 1/2 messages until the broker acknowledges
	// them, across restarts; Restored are the messages it held at start, in
	// order, queued before anything else.
	Outbox   OutboxStore
	Restored []Message
	// RestoredInFlight, parallel to Restored, are the packet ids the
	// messages had in flight when the outbox was saved (an InFlightStore).
	RestoredInFlight []InFlight
	// RestoredHeld, with PersistentSession, are the inbound QoS 2 packet
	// ids a HeldStore saved at the last Close: recorded, not yet released.
	RestoredHeld []uint16

	// Sink, when set, is called for every event before it is queued for
	// display. It must not block. For a QoS 1/2 message in a persistent
	// session ack is non-nil: the sink calls it once the message is recorded,
	// and only then is the broker acknowledged. Otherwise the message is
	// acknowledged as soon as Sink returns.
	Sink func(ev Event, ack func())

	// Hint, when set, gives a user interface's advice for a Reason (a flag
	// to try, say); it is added to the error's text in parentheses. mqttconn
	// itself names no flags or keys.
	Hint func(Reason) string

	// OnPanic, when set, receives a panic in one of the client's goroutines
	// with its stack, instead of the process dying with the terminal in raw
	// mode. The goroutine ends.
	OnPanic func(r any, stack []byte)
}

// Will is the Last Will and Testament the broker publishes when we vanish.
type Will struct {
	Topic    string
	Payload  []byte
	QoS      byte
	Retained bool
	// MQTT 5: the Will's properties (its own; the sender's name is added)
	// and its delay: how long the broker waits after the connection is
	// lost before publishing it (whole seconds; 0: at once).
	Properties *Properties
	Delay      time.Duration
}

// OutboxStore persists the outbox of a persistent session.
type OutboxStore interface {
	Add(id uint64, m Message) error // a QoS 1/2 message was queued
	Done(id uint64) error           // it was acknowledged or failed for good
}

// DefaultMaxIncoming is the default inbound size cap: a 16 MiB payload
// passes with any topic. A larger PUBLISH is read past without being kept,
// acknowledged (so that the broker does not send it again after every
// reconnect) and reported as a KindTooLarge event with its topic and size.
const DefaultMaxIncoming = 16<<20 + 64<<10

// InFlightStore is an OutboxStore that also keeps the packet id of each
// message in flight and whether its PUBREC came, so that after a restart it
// is sent again with the same id (DUP set), or released with PUBREL.
type InFlightStore interface {
	OutboxStore
	InFlight(id uint64, packetID uint16, released bool) error // packetID 0: not in flight
}

// HeldStore is an OutboxStore that also keeps, from one run to the next,
// the inbound QoS 2 packet ids whose message was recorded but whose PUBREL
// has not come: after a restart the broker may send such a message again
// (DUP), and it is then answered with PUBREC and not delivered twice.
// SaveHeld is called once, when the Client closes; Config.RestoredHeld
// gives the ids back.
type HeldStore interface {
	OutboxStore
	SaveHeld(ids []uint16) error
}

// InFlight is a restored message's place in the session.
type InFlight struct {
	PacketID uint16 // 0: not in flight
	Released bool   // PUBREC came: what is left is PUBREL
	Node     string // the node (NodeName) it was sent on; "": not known
}

// NodeStore is an InFlightStore that also keeps, for a cluster, the node
// each message in flight was sent on and the node that holds the session,
// so that a restart connects first to that node and knows, if another node
// answers, which messages were in flight elsewhere.
type NodeStore interface {
	InFlightStore
	InFlightOn(id uint64, f InFlight) error // like InFlight, with the node
	SessionNode(node string) error          // the node (NodeName) that holds our session now
}

// ErrBadQoS is returned for a QoS other than 0, 1 or 2.
var ErrBadQoS = errors.New("QoS must be 0, 1 or 2")

func (c *Config) setDefaults() {
	if c.KeepAlive == 0 {
		c.KeepAlive = 60 * time.Second
	}
	if c.QueueLimit == 0 {
		c.QueueLimit = 65536
	}
	if c.OutboxLimit == 0 {
		c.OutboxLimit = 10000
	}
	if c.MinBackoff == 0 {
		c.MinBackoff = time.Second
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = 30 * time.Second
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = 20
	}
	if c.StableAfter == 0 {
		c.StableAfter = 30 * time.Second
	}
	if c.TakeoverLimit == 0 {
		c.TakeoverLimit = 5
	}
	if c.MaxIncoming == 0 {
		c.MaxIncoming = DefaultMaxIncoming
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = 10 * time.Second
	}
	if c.ClientID == "" && !c.AssignClientID {
		c.ClientID = NewClientID()
	}
	if c.ProtocolVersion == 0 {
		c.ProtocolVersion = 4
	}
	if len(c.Servers) == 0 && c.Server != "" {
		c.Servers = []string{c.Server}
	}
	if c.Server == "" && len(c.Servers) > 0 {
		c.Server = c.Servers[0]
	}
}

func (c *Config) validate() error {
	if c.Server == "" {
		return errors.New("no broker address")
	}
	if err := c.validateNodes(); err != nil {
		return err
	}
	for _, s := range c.Subscriptions {
		if err := s.Validate(c.ProtocolVersion == 5); err != nil {
			return fmt.Errorf("subscription %q: %w", s.Filter, err)
		}
	}
	if w := c.Will; w != nil {
		if err := topic.ValidateName(w.Topic); err != nil {
			return fmt.Errorf("will topic: %w", err)
		}
		if len(w.Payload) > topic.MaxLen {
			return fmt.Errorf("will payload: %d bytes is more than 65535", len(w.Payload))
		}
		if w.QoS > 2 {
			return fmt.Errorf("will QoS: %w", ErrBadQoS)
		}
	}
	if c.MaxInFlight < 1 || c.MaxInFlight > 65535 {
		return fmt.Errorf("max in-flight %d is not between 1 and 65535", c.MaxInFlight)
	}
	if c.ProtocolVersion != 3 && c.ProtocolVersion != 4 && c.ProtocolVersion != 5 {
		return fmt.Errorf("protocol version %d is not MQTT 3.1 (3), 3.1.1 (4) or 5", c.ProtocolVersion)
	}
	if err := c.validate5(); err != nil {
		return err
	}
	if c.PersistentSession && c.ClientID == "" && !c.AssignClientID {
		return errors.New("a persistent session needs a client id")
	}
	return nil
}

const base62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// NewClientID returns "mqttchat" followed by random base62 characters, 23
// characters in all: the longest ID every MQTT 3.1.1 broker must accept.
func NewClientID() string {
	const prefix = "mqttchat"
	id := []byte(prefix)
	for len(id) < 23 {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(base62))))
		if err != nil {
			// crypto/rand does not fail on supported platforms; fall back to time.
			n = big.NewInt(time.Now().UnixNano() % int64(len(base62)))
		}
		id = append(id, base62[n.Int64()])
	}
	return string(id)
}
