package cli

import (
	"errors"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/topic"
)

// resolveSubOptions applies the MQTT 5 subscription options (--no-local,
// --retain-as-published, --retain-handling) to every -t subscription.
// They need -V 5, and No Local is refused on a shared subscription before
// anything is sent: the broker would end the connection (MQTT-3.8.3-4).
func (s *settings) resolveSubOptions(v values, src sources) error {
	w := src.where
	if v.retainHandling < 0 || v.retainHandling > 2 {
		return usagef("%s: %d is not 0 (send retained messages on every subscribe), 1 (only for a new subscription) or 2 (never)", w("retain_handling"), v.retainHandling)
	}
	opts := mqttconn.Subscription{NoLocal: v.noLocal, RetainAsPublished: v.retainAsPublished, RetainHandling: byte(v.retainHandling)}
	if !opts.HasOptions() {
		return nil
	}
	if s.protocol != 5 {
		for _, key := range []string{"no_local", "retain_as_published", "retain_handling"} {
			if src.set(key) {
				return usagef("%s: subscription options are MQTT 5: they need -V 5 (the protocol is %s)", w(key), protocolName(s.protocol))
			}
		}
	}
	for i, sub := range s.subscriptions {
		if opts.NoLocal && topic.IsShared(sub.Filter) {
			return usagef("%s: no local on the shared subscription %q is a protocol error in MQTT 5 (MQTT-3.8.3-4): leave it out for that filter (/sub on screen sets options per filter)", w("no_local"), sub.Filter)
		}
		s.subscriptions[i].NoLocal, s.subscriptions[i].RetainAsPublished, s.subscriptions[i].RetainHandling =
			opts.NoLocal, opts.RetainAsPublished, opts.RetainHandling
	}
	return nil
}

// resolveID checks a client id given with -i (or the environment or a
// config). An empty one asks an MQTT 5 broker to assign one.
func (s *settings) resolveID(id string) error {
	if id != "" {
		return checkClientID(id)
	}
	if s.protocol != 5 {
		return errors.New("must not be empty (over MQTT 5, -V 5, an empty id asks the broker to assign one)")
	}
	s.assignID, s.clientID = true, ""
	return nil
}

// outboxKept reports whether what the broker has not acknowledged is kept
// on disk for the next run: with -c and a client id of our own. With an id
// the broker assigns, the broker keeps the session under it (the status
// bar shows it) but the outbox on disk is not kept: it is filed under the
// id, which is not known before connecting.
func (s settings) outboxKept() bool { return s.persistent && !s.assignID }
