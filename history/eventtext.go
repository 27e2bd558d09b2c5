package history

import (
	"strconv"
	"strings"

	"mqttchat/mqttconn"
)

// The texts of connection events. In a cluster (several nodes) each names
// the node it happened on, so that the history says where the connection
// was, where it moved and why.

// onNode is " on node host:port" for an event of a cluster, else "".
func onNode(ev mqttconn.Event) string {
	if ev.Nodes <= 1 || ev.Node == "" {
		return ""
	}
	return " on node " + ev.Node
}

// nodePrefix is "node host:port: " for an event of a cluster, else "".
func nodePrefix(ev mqttconn.Event) string {
	if ev.Nodes <= 1 || ev.Node == "" {
		return ""
	}
	return "node " + ev.Node + ": "
}

// connectedText says how a connection started: its node and where it
// moved from in a cluster, and what became of the session.
func connectedText(ev mqttconn.Event) string {
	var parts []string
	if on := onNode(ev); on != "" {
		on = strings.TrimPrefix(on, " ")
		if ev.MovedFrom != "" {
			on += " (moved from " + ev.MovedFrom + ")"
		}
		parts = append(parts, on)
	}
	switch {
	case ev.SessionPresent:
		parts = append(parts, "session present")
	case ev.CleanStart:
		parts = append(parts, "clean start: the nodes share no session")
	}
	return strings.Join(parts, "; ")
}

// filtersText is "1 filter", "2 filters".
func filtersText(n int) string {
	if n == 1 {
		return "1 filter"
	}
	return strconv.Itoa(n) + " filters"
}
