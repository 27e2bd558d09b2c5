package history

import (
	"errors"

	"mqttchat/mqttconn"
)

// AsEvent turns a message record back into the event that produced it, for
// showing history on the screen. Event records give ok false.
func (r Record) AsEvent() (ev mqttconn.Event, ok bool) {
	m := mqttconn.Message{Topic: r.Topic, Payload: r.Payload, QoS: r.QoS, Retained: r.Retain, Duplicate: r.Dup, Time: r.Time,
		Properties: r.Properties}
	switch r.Dir {
	case DirIn:
		return mqttconn.Event{Kind: mqttconn.KindMessage, Time: r.Time, Message: m}, true
	case DirOut:
		ev = mqttconn.Event{Kind: mqttconn.KindPublish, Time: r.Time, Message: m, OutID: r.ID, State: parseState(r.State)}
		switch {
		case r.State == StateUnknown:
			ev.Err = ErrStateUnknown // its State reads as failed: mqttconn has no "unknown"
		case r.Text != "":
			ev.Err = errors.New(r.Text)
		}
		return ev, true
	}
	return ev, false
}

// parseState reads an outgoing state's name; an unknown one reads as failed.
func parseState(s string) mqttconn.OutState {
	st, _ := mqttconn.ParseState(s)
	return st
}
