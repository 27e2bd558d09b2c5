package screen

import (
	"net"
	"regexp"
	"strings"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/ui/sanitize"
)

// failureKey is the repeat key of a failed connect attempt (see
// messageList.pushOrFold): its reason. In a cluster the attempts go round
// the nodes, so the key leaves the node out — its name and its host, which
// the reason often quotes ("nothing listens at b:1883") — and one row
// counts a whole outage of every node, showing the latest node's text.
func failureKey(ev mqttconn.Event) string {
	text := errText(ev.Err)
	if ev.Nodes > 1 && ev.Node != "" {
		node := sanitize.String(ev.Node)
		text = strings.ReplaceAll(text, node, "\x00")
		if host, _, err := net.SplitHostPort(ev.Node); err == nil && host != "" {
			// The host alone, as a whole name ("a" is not in "at").
			re := regexp.MustCompile(`(^|[^\w.:-])` + regexp.QuoteMeta(sanitize.String(host)) + `($|[^\w.:-])`)
			text = re.ReplaceAllString(text, "${1}\x00${2}")
		}
	}
	return "connect failed: " + text
}

// connectFailedText is a failed attempt's row. A cluster's rows all read
// "connect failed on node X: why — what next", whether the next node is
// tried at once or the loop backs off after a round in which every node
// failed, so that rows of a round fold into one.
func connectFailedText(ev mqttconn.Event) string {
	wait := ev.RetryIn.Round(100 * time.Millisecond).String()
	if ev.Nodes <= 1 {
		return "connect failed: " + errText(ev.Err) + " — retrying in " + wait
	}
	head := "connect failed on node " + sanitize.String(ev.Node) + ": " + errText(ev.Err)
	if ev.Next != "" {
		return head + " — trying node " + sanitize.String(ev.Next)
	}
	return head + " — every node failed: retrying in " + wait
}
