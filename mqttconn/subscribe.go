package mqttconn

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrNotSubscribed is returned by Unsubscribe for a filter not in the set.
var ErrNotSubscribed = errors.New("not subscribed to that filter")

// ErrRefused is wrapped by a subscription the broker refused (SUBACK 0x80).
var ErrRefused = errors.New("refused by the broker")

// SUBACK return codes beyond the granted QoS 0–2.
const (
	maxQoS        byte = 2
	subackFailure byte = 0x80
)

// pendingSub is a SUBSCRIBE or UNSUBSCRIBE awaiting its ack.
type pendingSub struct {
	Subscription // the filter, QoS and options asked for
	unsub        bool
	idRetries    int       // times sent again after "packet identifier in use" (MQTT 5)
	batch        *subBatch // the subscriptions of one (re)connect, or nil
	timer        *time.Timer
}

// subBatch counts the SUBACKs of the subscriptions sent on a (re)connect.
type subBatch struct {
	left, granted int
	reconnect     bool
}

// answered marks a reservation whose ack timed out: its id stays taken
// until the connection ends, so that a late ack cannot be taken for another's.
type answered struct{}

// Subscribe adds a filter to the wanted set, or changes its QoS, with no
// subscription options: SubscribeWith.
func (c *Client) Subscribe(filter string, qos byte) error {
	return c.SubscribeWith(Subscription{Filter: filter, QoS: qos})
}

// SubscribeWith adds a subscription to the wanted set, or replaces the QoS
// and options of the one with its filter, and sends SUBSCRIBE at once when
// connected; the SUBACK is reported as a KindSubscribed or
// KindSubscribeFailed event. The wanted set is what every reconnect
// subscribes to, options included. Options need MQTT 5. It does not block
// on the network.
func (c *Client) SubscribeWith(s Subscription) error {
	if err := s.Validate(c.v5 != nil); err != nil {
		return err
	}
	c.mu.Lock()
	i := slices.IndexFunc(c.cfg.Subscriptions, func(w Subscription) bool { return w.Filter == s.Filter })
	if i >= 0 {
		c.cfg.Subscriptions[i] = s
	} else {
		c.cfg.Subscriptions = append(c.cfg.Subscriptions, s)
	}
	if c.connected { // else subscribed on the next connect
		c.sendSub(&pendingSub{Subscription: s})
	}
	c.mu.Unlock()
	c.kickPump()
	return nil
}

// Unsubscribe removes a filter from the wanted set and sends UNSUBSCRIBE at
// once when connected; the result is a KindUnsubscribed event. An MQTT 5
// broker that refuses it (UNSUBACK 0x80 and up) keeps the subscription,
// so it goes back in the wanted set.
func (c *Client) Unsubscribe(filter string) error {
	c.mu.Lock()
	i := slices.IndexFunc(c.cfg.Subscriptions, func(s Subscription) bool { return s.Filter == filter })
	if i < 0 {
		c.mu.Unlock()
		return fmt.Errorf("%w: %q", ErrNotSubscribed, filter)
	}
	removed := c.cfg.Subscriptions[i]
	c.cfg.Subscriptions = slices.Delete(c.cfg.Subscriptions, i, i+1)
	if !c.connected {
		c.emit(Event{Kind: KindUnsubscribed, Filter: filter})
	} else {
		c.sendSub(&pendingSub{Subscription: removed, unsub: true})
	}
	c.mu.Unlock()
	c.kickPump()
	return nil
}

// subscribeAll sends every wanted filter, one per SUBSCRIBE; each SUBACK is
// reported, and after a reconnect a KindResubscribed event counts them.
func (c *Client) subscribeAll(reconnect bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := &subBatch{left: len(c.cfg.Subscriptions), reconnect: reconnect}
	for _, s := range c.cfg.Subscriptions {
		c.sendSub(&pendingSub{Subscription: s, batch: b})
	}
	if b.left == 0 && reconnect {
		c.emit(Event{Kind: KindResubscribed})
	}
}

// sendSub queues a SUBSCRIBE or UNSUBSCRIBE for the pump; c.mu is held.
func (c *Client) sendSub(ps *pendingSub) {
	pid := c.allocID()
	if pid == 0 {
		c.subDone(ps, 0, errors.New("no free packet id"))
		return
	}
	c.ids[pid] = ps
	if ps.unsub {
		c.control = append(c.control, c.unsubscribePacket(pid, ps.Filter))
	} else {
		c.control = append(c.control, c.subscribePacket(pid, ps.Subscription))
	}
	ps.timer = time.AfterFunc(c.cfg.ConnectTimeout, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.ids[pid] == ps {
			c.ids[pid] = answered{}
			what := "SUBACK"
			if ps.unsub {
				what = "UNSUBACK"
			}
			c.subDone(ps, 0, fmt.Errorf("no %s within %s", what, c.cfg.ConnectTimeout))
		}
	})
}

// onSubAck handles SUBACK and UNSUBACK.
func (c *Client) onSubAck(epoch uint64, pid uint16, code byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.connected || c.epoch != epoch {
		return // read late from a connection given up: its ids may be reused
	}
	ps, ok := c.ids[pid].(*pendingSub)
	if !ok {
		return
	}
	delete(c.ids, pid)
	ps.timer.Stop()
	var err error
	switch {
	case ps.unsub:
	case code == subackFailure:
		err = ErrRefused
	case code > maxQoS:
		err = fmt.Errorf("broker returned invalid SUBACK code 0x%02x", code)
	}
	c.subDone(ps, code, err)
}

// subDone reports an answered (or failed) SUBSCRIBE or UNSUBSCRIBE; c.mu is held.
func (c *Client) subDone(ps *pendingSub, granted byte, err error) {
	switch {
	case ps.unsub:
		c.emit(Event{Kind: KindUnsubscribed, Filter: ps.Filter, Err: err})
	case err != nil:
		c.emit(Event{Kind: KindSubscribeFailed, Filter: ps.Filter, QoS: ps.QoS, Err: err})
	default:
		c.emit(Event{Kind: KindSubscribed, Filter: ps.Filter, QoS: ps.QoS, Granted: granted})
	}
	if b := ps.batch; b != nil {
		b.left--
		if err == nil {
			b.granted++
		}
		if b.left == 0 && b.reconnect {
			c.emit(Event{Kind: KindResubscribed, Count: b.granted})
		}
	}
}

// dropPendingSubs forgets every SUBSCRIBE and UNSUBSCRIBE of a connection
// that ended; c.mu is held. A filter is subscribed again on the next
// connect; one being removed is reported removed.
func (c *Client) dropPendingSubs() {
	for pid, v := range c.ids {
		switch ps := v.(type) {
		case *pendingSub:
			ps.timer.Stop()
			delete(c.ids, pid)
			if ps.unsub {
				c.emit(Event{Kind: KindUnsubscribed, Filter: ps.Filter})
			}
		case answered:
			delete(c.ids, pid)
		}
	}
}
