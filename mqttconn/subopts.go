package mqttconn

import (
	"errors"
	"fmt"
	"slices"

	"mqttchat/mqttconn/topic"
)

// Retain handling values of a Subscription (MQTT 5 §3.8.3.1).
const (
	RetainSendAlways byte = 0 // send retained messages on every subscribe (MQTT 3.1.1's way)
	RetainSendNew    byte = 1 // only when the subscription did not exist yet
	RetainSendNever  byte = 2 // never
)

// ErrOptionsNeedV5 is returned for subscription options over MQTT 3.1.1.
var ErrOptionsNeedV5 = errors.New("subscription options (no local, retain as published, retain handling) need MQTT 5")

// HasOptions reports whether any MQTT 5 subscription option is set.
func (s Subscription) HasOptions() bool {
	return s.NoLocal || s.RetainAsPublished || s.RetainHandling != 0
}

// Validate checks a subscription for the protocol in use (v5: MQTT 5):
// the filter, the QoS, options only over MQTT 5, a retain handling of 0–2,
// and never No Local on a shared subscription (a protocol error,
// MQTT-3.8.3-4).
func (s Subscription) Validate(v5 bool) error {
	if err := topic.ValidateFilter(s.Filter); err != nil {
		return err
	}
	if s.QoS > 2 {
		return ErrBadQoS
	}
	if !v5 && s.HasOptions() {
		return ErrOptionsNeedV5
	}
	if s.RetainHandling > RetainSendNever {
		return fmt.Errorf("retain handling %d is not 0 (always), 1 (new subscriptions only) or 2 (never)", s.RetainHandling)
	}
	if s.NoLocal && topic.IsShared(s.Filter) {
		return errors.New("no local on a shared subscription is a protocol error in MQTT 5 (MQTT-3.8.3-4)")
	}
	return nil
}

// optionsByte is the subscription options byte of an MQTT 5 SUBSCRIBE:
// QoS in bits 0–1, No Local bit 2, Retain As Published bit 3, Retain
// Handling bits 4–5.
func (s Subscription) optionsByte() byte {
	b := s.QoS&3 | (s.RetainHandling&3)<<4
	if s.NoLocal {
		b |= 1 << 2
	}
	if s.RetainAsPublished {
		b |= 1 << 3
	}
	return b
}

// OptionWords are the subscription's MQTT 5 options in words, for a
// person: "no local", "retain as published", "retained: new only" or
// "retained: never"; none when all are off.
func (s Subscription) OptionWords() []string {
	var w []string
	if s.NoLocal {
		w = append(w, "no local")
	}
	if s.RetainAsPublished {
		w = append(w, "retain as published")
	}
	switch s.RetainHandling {
	case RetainSendNew:
		w = append(w, "retained: new only")
	case RetainSendNever:
		w = append(w, "retained: never")
	case RetainSendAlways:
	default:
		w = append(w, fmt.Sprintf("retain handling %d", s.RetainHandling))
	}
	return w
}

// keepRefusedUnsub puts back in the wanted set a subscription whose
// UNSUBSCRIBE the broker refused: it still holds it and sends its
// messages; unless the filter was subscribed again meanwhile. c.mu is held.
func (c *Client) keepRefusedUnsub(s Subscription) {
	if !slices.ContainsFunc(c.cfg.Subscriptions, func(w Subscription) bool { return w.Filter == s.Filter }) {
		c.cfg.Subscriptions = append(c.cfg.Subscriptions, s)
	}
}

// reasonCodeIDInUse is MQTT 5's "packet identifier in use".
const reasonCodeIDInUse byte = 0x91

// maxIDRetries bounds how often one SUBSCRIBE or UNSUBSCRIBE is sent again
// after "packet identifier in use".
const maxIDRetries = 3

// retryIDInUse sends a SUBSCRIBE or UNSUBSCRIBE again, with another packet
// id, when the broker answered "packet identifier in use" (0x91): mochi
// 2.7.9 counts the ids of the QoS 1/2 messages it sent us, not yet
// acknowledged, as in use for ours too, although MQTT gives each side its
// own. It reports whether it did; c.mu is held.
func (c *Client) retryIDInUse(ps *pendingSub, code byte) bool {
	if code != reasonCodeIDInUse || ps.idRetries >= maxIDRetries {
		return false
	}
	ps.idRetries++
	c.sendSub(ps)
	return true
}
