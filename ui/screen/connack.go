package screen

import (
	"fmt"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/ui/sanitize"
)

// connackFacts is what an MQTT 5 CONNACK told us, for the timeline: the
// client id the broker assigned, the keep-alive it set; "" for any other
// event.
func connackFacts(ev mqttconn.Event) string {
	if ev.Kind != mqttconn.KindConnected {
		return ""
	}
	out := ""
	if ev.AssignedID != "" {
		out += " · the broker assigned the client id " + sanitize.String(ev.AssignedID)
	}
	if ev.ServerKeepAlive > 0 {
		out += fmt.Sprintf(" · the broker set the keep-alive to %s", keepAliveText(ev.ServerKeepAlive))
	}
	return out
}

// applyConnack keeps what a KindConnected event says of the client id and
// the keep-alive: an assigned id stays for the reconnects (which send it),
// the keep-alive is the last connection's.
func (s *status) applyConnack(ev mqttconn.Event) {
	if ev.AssignedID != "" {
		s.clientID, s.assigned = ev.AssignedID, true
	}
	s.serverKeepAlive = ev.ServerKeepAlive
}

// idText is the status bar's client id, and the broker's keep-alive when
// it set one.
func (s *status) idText() string {
	var t string
	switch {
	case s.toAssign && s.clientID == "":
		t = " · id: the broker assigns one"
	case s.assigned:
		t = " · id " + sanitize.String(s.clientID) + " (assigned)"
	default:
		t = " · id " + sanitize.String(s.clientID)
	}
	if s.serverKeepAlive > 0 {
		t += " · keep-alive " + keepAliveText(s.serverKeepAlive) + " (the broker's)"
	}
	return t
}

// keepAliveText is a keep-alive in seconds, or minutes when whole.
func keepAliveText(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return fmt.Sprintf("%d s", d/time.Second)
}
