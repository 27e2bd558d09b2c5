package mqttconn

import (
	"errors"
	"fmt"
	"slices"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mqttchat/mqttconn/topic"
)

// Errors returned by Publish; nothing was queued or sent.
var (
	ErrNotConnected = errors.New("not connected: a QoS 0 message is not queued") // Reason: ReasonNotConnected
	ErrOutboxFull   = errors.New("too many messages are waiting for the broker")
	ErrClosed       = errors.New("the client is closed")
)

// Publish validates m and puts it in the outbox. It is sent at once when a
// connection is open; a QoS 1 or 2 message waits for the next connection
// otherwise, and a QoS 0 message is refused with ErrNotConnected. Every change
// of the message's state is reported as a KindPublish event with the returned
// id; the first carries the message.
func (c *Client) Publish(m Message) (uint64, error) {
	if err := topic.ValidateName(m.Topic); err != nil {
		return 0, fmt.Errorf("topic: %w", err)
	}
	if m.QoS > 2 {
		return 0, ErrBadQoS
	}
	const maxPacket = 268435455 // the largest MQTT remaining length
	if len(m.Payload)+len(m.Topic)+4 > maxPacket {
		return 0, fmt.Errorf("payload of %d bytes is larger than MQTT allows", len(m.Payload))
	}
	if m.Time.IsZero() {
		m.Time = time.Now()
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return 0, ErrClosed
	}
	if !c.connected && m.QoS == 0 {
		c.mu.Unlock()
		return 0, c.hinted(ReasonNotConnected, ErrNotConnected)
	}
	if len(c.outbox) >= c.cfg.OutboxLimit {
		c.mu.Unlock()
		return 0, fmt.Errorf("%w (%d)", ErrOutboxFull, len(c.outbox))
	}
	c.nextID++
	om := &outMessage{id: c.nextID, msg: m}
	if c.cfg.Outbox != nil && m.QoS > 0 {
		if err := c.cfg.Outbox.Add(om.id, m); err != nil {
			c.nextID--
			c.mu.Unlock()
			return 0, fmt.Errorf("not queued: the outbox could not be saved: %w", err)
		}
	}
	c.outbox = append(c.outbox, om)
	c.pending.Store(int64(len(c.outbox)))
	connected, epoch := c.connected, c.epoch
	state := StateQueued
	if connected {
		state = StateSending
		om.epoch, om.sends = epoch, 1
	}
	// The first event is emitted under the lock so that no later state of this
	// message can overtake it.
	c.emit(Event{Kind: KindPublish, OutID: om.id, State: state, Message: m})
	c.mu.Unlock()
	if connected {
		c.send(om.id, m, epoch, c.pahoClient(), c.currentWire())
	}
	return om.id, nil
}

// send hands one message to paho and waits for its token off the caller's goroutine.
func (c *Client) send(id uint64, m Message, epoch uint64, pc paho.Client, wc *wireConn) {
	tok := pc.Publish(m.Topic, m.QoS, m.Retained, m.Payload)
	var ended <-chan struct{}
	if wc != nil {
		ended = wc.Done()
	}
	go func() {
		defer c.recoverPanic()
		select {
		case <-tok.Done():
			c.publishDone(id, epoch, tok.Error())
		case <-ended: // a token of a lost connection may never complete
			c.publishDone(id, epoch, errors.New("connection lost"))
		}
	}()
}

// publishDone settles a send. Only a token completed without error on the
// connection that carried the message, while that connection is still the
// open one, counts as the broker's acknowledgement: paho completes QoS 1/2
// tokens without an ack when their message id is reused after a reconnect.
func (c *Client) publishDone(id, epoch uint64, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := slices.IndexFunc(c.outbox, func(om *outMessage) bool { return om.id == id })
	if i < 0 {
		return
	}
	om := c.outbox[i]
	if om.epoch != epoch {
		return // superseded by a send on a newer connection
	}
	live := c.connected && c.epoch == epoch
	switch {
	case om.msg.QoS == 0 && err == nil:
		c.remove(i)
		c.emit(Event{Kind: KindPublish, OutID: id, State: StateSent})
	case om.msg.QoS == 0:
		c.remove(i)
		c.emit(Event{Kind: KindPublish, OutID: id, State: StateFailed, Err: fmt.Errorf("not sent: %w", err)})
	case err == nil && live:
		c.remove(i)
		c.emit(Event{Kind: KindPublish, OutID: id, State: StateAcked})
	default:
		// Not acknowledged on its connection: it stays in the outbox and is
		// sent again after the next connect (requeueInFlight reports it).
	}
}

// remove takes a settled message out of the outbox (and its store).
func (c *Client) remove(i int) {
	om := c.outbox[i]
	c.outbox = slices.Delete(c.outbox, i, i+1)
	c.pending.Store(int64(len(c.outbox)))
	if c.cfg.Outbox != nil && om.msg.QoS > 0 {
		_ = c.cfg.Outbox.Done(om.id) // at worst it is sent again after a restart: QoS 1/2 allow that
	}
}

// flushOutbox sends everything waiting, in order, on the new connection.
func (c *Client) flushOutbox(epoch uint64) {
	type job struct {
		id uint64
		m  Message
	}
	var jobs []job
	c.mu.Lock()
	for _, om := range c.outbox {
		state := StateSending
		if om.sends > 0 {
			state = StateResent
		}
		om.epoch = epoch
		om.sends++
		jobs = append(jobs, job{om.id, om.msg})
		c.emit(Event{Kind: KindPublish, OutID: om.id, State: state})
	}
	c.mu.Unlock()
	pc, wc := c.pahoClient(), c.currentWire()
	for _, j := range jobs {
		c.send(j.id, j.m, epoch, pc, wc)
	}
}

// requeueInFlight settles the outbox after a loss: a QoS 0 message not yet
// written fails (QoS 0 is never resent), and every QoS 1/2 message the lost
// connection carried without an ack is reported as queued again.
func (c *Client) requeueInFlight() {
	c.mu.Lock()
	defer c.mu.Unlock()
	kept := c.outbox[:0]
	for _, om := range c.outbox {
		switch {
		case om.msg.QoS == 0:
			c.emit(Event{Kind: KindPublish, OutID: om.id, State: StateFailed, Err: errors.New("connection lost before it was sent")})
			continue
		case om.sends > 0:
			c.emit(Event{Kind: KindPublish, OutID: om.id, State: StateQueued, Err: errors.New("connection lost before the broker acknowledged it; will resend")})
		}
		kept = append(kept, om)
	}
	clear(c.outbox[len(kept):])
	c.outbox = kept
	c.pending.Store(int64(len(c.outbox)))
}

// Pending is the number of messages in the outbox: sent or queued, not yet
// delivered. It takes no lock, so the screen can ask at any time.
func (c *Client) Pending() int { return int(c.pending.Load()) }
