package mqttconn

import (
	"fmt"
	"time"
)

// Kind says what an Event reports.
type Kind int

// The kinds of Event.
const (
	KindMessage         Kind = iota // a PUBLISH arrived: Message
	KindConnecting                  // a connection attempt starts: Attempt
	KindConnected                   // CONNACK accepted: Attempt, SessionPresent, Downtime (MQTT 5: AssignedID, ServerKeepAlive)
	KindConnectFailed               // an attempt failed: Attempt, Err, RetryIn, Fatal
	KindLost                        // an open connection was lost: Err, RetryIn, Fatal (retries stopped: a take-over)
	KindSubscribed                  // SUBACK granted a filter: Filter, QoS (asked), Granted
	KindSubscribeFailed             // a filter was refused or the SUBSCRIBE failed: Filter, QoS, Err
	KindResubscribed                // all wanted filters were sent again after a reconnect: Count
	KindPublish                     // an outgoing message changed state: OutID, State, Err (Message on the first event)
	KindUnsubscribed                // a filter was removed (UNSUBACK, or at once when disconnected): Filter, Err on failure
	KindTooLarge                    // an inbound PUBLISH over Config.MaxIncoming was dropped unread and acknowledged: Message (no payload), Size
)

// Message is one MQTT application message, received or sent. It is
// protocol-neutral so that an MQTT 5 backend can fill it too.
type Message struct {
	Topic     string
	Payload   []byte
	QoS       byte
	Retained  bool
	Duplicate bool
	Time      time.Time
	// Properties are the MQTT 5 properties; nil over MQTT 3.1.1 and when
	// a message has none.
	Properties *Properties
}

// OutState is where an outgoing message stands.
type OutState int

// The states of an outgoing message.
const (
	StateQueued      OutState = iota // waiting for a connection
	StateSending                     // handed to the connection, awaiting the broker's ack (QoS 1/2)
	StateResent                      // sent again on a new connection after the one that carried it was lost
	StateSent                        // QoS 0 written to the connection: nothing more will be known
	StateAcked                       // PUBACK (QoS 1) or PUBCOMP (QoS 2) received
	StateFailed                      // will not be delivered: Err says why
	StateAckedAsQoS1                 // a QoS 2 message answered with PUBACK, QoS 1's ack: the broker took it as QoS 1 (Err says so)
	// StateFateUnknown: a QoS 2 message was in flight on a cluster node
	// that went away, and the node that took over has no session of ours
	// (SessionPresent 0): it may or may not have been delivered. It is not
	// sent again (QoS 2 promises at most once); Err says which node.
	StateFateUnknown
)

// String names the state as the user sees it.
func (s OutState) String() string {
	switch s {
	case StateQueued:
		return "queued"
	case StateSending:
		return "sending"
	case StateResent:
		return "resent"
	case StateSent:
		return "sent"
	case StateAcked:
		return "acknowledged"
	case StateFailed:
		return "failed"
	case StateAckedAsQoS1:
		return "acknowledged as QoS 1"
	case StateFateUnknown:
		return "fate unknown"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// ParseState reads a state's name as String gives it.
func ParseState(name string) (OutState, bool) {
	for st := StateQueued; st <= stateLast; st++ {
		if st.String() == name {
			return st, true
		}
	}
	return StateFailed, false
}

// stateLast is the last OutState.
const stateLast = StateFateUnknown

// Event is one thing that happened on the connection. Which fields are set
// depends on Kind (see the Kind constants).
type Event struct {
	Kind           Kind
	Time           time.Time
	Message        Message
	OutID          uint64
	State          OutState
	Attempt        int
	Err            error
	RetryIn        time.Duration
	Fatal          bool
	Filter         string
	QoS            byte
	Granted        byte
	SessionPresent bool
	Downtime       time.Duration
	Count          int
	Size           int // KindTooLarge: the payload's size in bytes

	// Node is the broker node (host:port) of a KindConnecting,
	// KindConnected, KindConnectFailed or KindLost event, and Nodes how many
	// the cluster has (Config.Servers; 1 for a single broker).
	Node  string
	Nodes int
	// MovedFrom, on KindConnected, is the node the client was on (or
	// started with) when it is not this one, and MoveErr why it left it:
	// that node's last error.
	MovedFrom string
	MoveErr   error
	// CleanStart, on KindConnected with a persistent session, says that the
	// connection started a clean session: a move to a node that does not
	// hold ours, the nodes sharing none (Config.SharedSessions off).
	CleanStart bool
	// Next, on a KindConnectFailed in a cluster, is the node tried next,
	// at once (RetryIn is then 0); empty when the loop backs off first.
	Next string
	// ServerRef, on a KindConnectFailed or KindLost over MQTT 5, is the
	// broker's advice to use another server (CONNACK or DISCONNECT with a
	// Server Reference); Client.UseServer follows it once the user agrees.
	ServerRef *ServerReference
	// AssignedID, KindConnected over MQTT 5: the client id the broker
	// assigned (Config.AssignClientID), used from then on; "" when none.
	AssignedID string
	// ServerKeepAlive, KindConnected over MQTT 5: the keep-alive the
	// broker set in place of ours (pings follow it); 0 when it set none.
	ServerKeepAlive time.Duration
}
