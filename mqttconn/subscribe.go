package mqttconn

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"mqttchat/mqttconn/topic"
)

// ErrNotSubscribed is returned by Unsubscribe for a filter not in the set.
var ErrNotSubscribed = errors.New("not subscribed to that filter")

// Subscribe adds a filter to the wanted set, or changes its QoS, and sends
// SUBSCRIBE at once when connected; the SUBACK is reported as a
// KindSubscribed or KindSubscribeFailed event. The wanted set is what every
// reconnect subscribes to. It does not block on the network.
func (c *Client) Subscribe(filter string, qos byte) error {
	if err := topic.ValidateFilter(filter); err != nil {
		return err
	}
	if qos > 2 {
		return ErrBadQoS
	}
	c.mu.Lock()
	i := slices.IndexFunc(c.cfg.Subscriptions, func(s Subscription) bool { return s.Filter == filter })
	if i >= 0 {
		c.cfg.Subscriptions[i].QoS = qos
	} else {
		c.cfg.Subscriptions = append(c.cfg.Subscriptions, Subscription{Filter: filter, QoS: qos})
	}
	connected := c.connected
	c.mu.Unlock()
	if !connected {
		return nil // subscribed on the next connect
	}
	sub := Subscription{Filter: filter, QoS: qos}
	tok := c.pahoClient().Subscribe(filter, qos, nil)
	go func() {
		defer c.recoverPanic()
		g, err := subackResult(tok, c.cfg.ConnectTimeout, c.stopping)
		if err != nil {
			c.emit(Event{Kind: KindSubscribeFailed, Filter: sub.Filter, QoS: sub.QoS, Err: err})
			return
		}
		c.emit(Event{Kind: KindSubscribed, Filter: sub.Filter, QoS: sub.QoS, Granted: g})
	}()
	return nil
}

// Unsubscribe removes a filter from the wanted set and sends UNSUBSCRIBE at
// once when connected; the result is a KindUnsubscribed event.
func (c *Client) Unsubscribe(filter string) error {
	c.mu.Lock()
	i := slices.IndexFunc(c.cfg.Subscriptions, func(s Subscription) bool { return s.Filter == filter })
	if i < 0 {
		c.mu.Unlock()
		return fmt.Errorf("%w: %q", ErrNotSubscribed, filter)
	}
	c.cfg.Subscriptions = slices.Delete(c.cfg.Subscriptions, i, i+1)
	connected := c.connected
	c.mu.Unlock()
	if !connected {
		c.emit(Event{Kind: KindUnsubscribed, Filter: filter})
		return nil
	}
	tok := c.pahoClient().Unsubscribe(filter)
	go func() {
		defer c.recoverPanic()
		var err error
		t := time.NewTimer(c.cfg.ConnectTimeout)
		defer t.Stop()
		select {
		case <-tok.Done():
			err = tok.Error()
		case <-t.C:
			err = errors.New("no UNSUBACK within " + c.cfg.ConnectTimeout.String())
		case <-c.stopping:
			err = errors.New("no UNSUBACK: the client is closing")
		}
		c.emit(Event{Kind: KindUnsubscribed, Filter: filter, Err: err})
	}()
	return nil
}
