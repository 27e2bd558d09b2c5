package history

import (
	"errors"

	"mqttchat/mqttconn"
)

// StateUnknown is the state of a replayed sent message whose final state
// (sent, acknowledged or failed) was never recorded, because the process
// that sent it is gone: it quit or was killed before the broker's ack.
const StateUnknown = "unknown"

// ErrStateUnknown is what a sent message in StateUnknown says, as Record.Text
// and as the replayed event's Err (errors.Is works on it).
var ErrStateUnknown = errors.New("state unknown: mqttchat quit before the broker's ack")

// finalState reports whether an outgoing state is the last one it will have.
func finalState(s string) bool {
	switch s {
	case mqttconn.StateSent.String(), mqttconn.StateAcked.String(), mqttconn.StateFailed.String(), mqttconn.StateFateUnknown.String(), StateUnknown:
		return true
	}
	return false
}
