package screen

import (
	"fmt"
	"strconv"
	"strings"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/topic"
	"mqttchat/ui/sanitize"
)

// subUsage is /sub's argument list.
const subUsage = "FILTER [qos] [nl] [rap] [rh=0|1|2]"

// parseSub reads /sub's arguments: a filter, then in any order a QoS and,
// over MQTT 5, the subscription options nl (no local: not our own
// messages), rap (retain as published) and rh=N (retained messages on
// subscribe: 0 always, 1 only for a new subscription, 2 never); the long
// names of the command line's flags (no-local, retain-as-published,
// retain-handling=N, with or without "--") work too.
func parseSub(args string, qos byte, v5 bool) (mqttconn.Subscription, error) {
	fields := strings.Fields(args)
	if len(fields) == 0 {
		return mqttconn.Subscription{}, fmt.Errorf("/sub %s: give a topic filter and, optionally, a QoS and MQTT 5 options", subUsage)
	}
	s := mqttconn.Subscription{Filter: fields[0], QoS: qos}
	if err := topic.ValidateFilter(s.Filter); err != nil {
		return s, fmt.Errorf("/sub: %q: %v", sanitize.String(s.Filter), err)
	}
	if err := checkMQTTString("the filter", s.Filter); err != nil {
		return s, fmt.Errorf("/sub: %v", err)
	}
	qosSeen := false
	for _, f := range fields[1:] {
		word := strings.TrimPrefix(strings.ToLower(f), "--")
		name, val, hasVal := strings.Cut(word, "=")
		switch {
		case len(f) == 1 && f[0] >= '0' && f[0] <= '9' && !qosSeen:
			n, _ := strconv.Atoi(f)
			if n > 2 {
				return s, fmt.Errorf("/sub: %q is not a QoS (0, 1 or 2)", sanitize.String(f))
			}
			s.QoS, qosSeen = byte(n), true
		case (name == "nl" || name == "no-local") && !hasVal:
			s.NoLocal = true
		case (name == "rap" || name == "retain-as-published") && !hasVal:
			s.RetainAsPublished = true
		case name == "rh" || name == "retain-handling":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > 2 {
				return s, fmt.Errorf("/sub: %q: retain handling is rh=0 (always), rh=1 (new subscriptions only) or rh=2 (never)", sanitize.String(f))
			}
			s.RetainHandling = byte(n)
		default:
			return s, fmt.Errorf("/sub: %q is neither a QoS nor an option (nl, rap, rh=N): /sub %s", sanitize.String(f), subUsage)
		}
	}
	if s.HasOptions() && !v5 {
		return s, fmt.Errorf("/sub: subscription options (%s) are MQTT 5: start mqttchat with -V 5", strings.Join(s.OptionWords(), ", "))
	}
	if err := s.Validate(v5); err != nil {
		return s, fmt.Errorf("/sub: %v", err)
	}
	return s, nil
}

// optionsLine is a room's third line in the pane: for a shared
// subscription its group, and its MQTT 5 options, in short words (the pane
// is narrow); "" when there is nothing to say.
func (r *room) optionsLine() string {
	var w []string
	if group, _, ok := topic.Shared(r.filter); ok {
		w = append(w, "shared ("+sanitize.String(group)+")")
	}
	if r.opts.NoLocal {
		w = append(w, "no local")
	}
	if r.opts.RetainAsPublished {
		w = append(w, "as published")
	}
	switch r.opts.RetainHandling {
	case mqttconn.RetainSendNew:
		w = append(w, "retained: new only")
	case mqttconn.RetainSendNever:
		w = append(w, "retained: never")
	}
	return strings.Join(w, ", ")
}
