package mqttconn

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"mqttchat/mqttconn/topic"
)

// Errors returned by Publish; nothing was queued or sent.
var (
	ErrNotConnected = errors.New("not connected: QoS 0 messages are not queued") // Reason: ReasonNotConnected
	ErrOutboxFull   = errors.New("too many messages are waiting for the broker")
	ErrClosed       = errors.New("the client is closed")
)

// outMessage is one entry of the outbox: a message not yet settled.
type outMessage struct {
	id    uint64
	msg   Message
	pid   uint16 // packet id while the broker may hold it (QoS 1/2 sent, not settled); 0 otherwise
	rec   bool   // PUBREC came: the broker has it; what is left is PUBREL → PUBCOMP
	epoch uint64 // the connection that carried the last PUBLISH or PUBREL; 0 while not on this connection
	sends int
	// carrier is the cluster node (index+1) that carried the last PUBLISH
	// or PUBREL, 0 when unknown (restored from disk); lostOn, for QoS 2,
	// is the node that held it in flight when its connection was lost,
	// and lostRec whether that node had sent PUBREC.
	carrier, lostOn int
	lostRec         bool
}

// Publish validates m and puts it in the outbox. It is sent as soon as a
// connection is open and the in-flight window has room; a QoS 0 message is
// refused with ErrNotConnected while no connection is open. Every change of
// the message's state is reported as a KindPublish event with the returned
// id; the first (StateQueued) carries the message.
func (c *Client) Publish(m Message) (uint64, error) {
	if err := topic.ValidateName(m.Topic); err != nil {
		return 0, fmt.Errorf("topic: %w", err)
	}
	if m.QoS > 2 {
		return 0, ErrBadQoS
	}
	if len(m.Payload)+len(m.Topic)+4 > maxRemaining {
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
	if c.v5 != nil {
		// What goes out: -D publish defaults, the message's own, and the
		// sender's name first.
		m.Properties = withName(mergeProperties(c.cfg.PublishProperties, m.Properties), c.cfg.Name)
	}
	if err := c.checkPublish(m); err != nil {
		c.mu.Unlock()
		return 0, err
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
	// The first event is emitted under the lock so that no later state of
	// this message can overtake it.
	c.emit(Event{Kind: KindPublish, OutID: om.id, State: StateQueued, Message: m})
	c.mu.Unlock()
	c.kickPump()
	return om.id, nil
}

// inFlight counts the QoS 1/2 messages the broker may hold: sent on this
// connection or, in a kept session, on an earlier one, and not settled.
func (c *Client) inFlight() int { return c.inFlightN }

// nextOutbound picks the next packet the pump writes on the connection of
// epoch, and moves the outbox on as if it was written: first what the
// broker may hold from an earlier connection (PUBREL after PUBREC, else the
// PUBLISH again with the same id and DUP set), then PUBREL for a PUBREC of
// this connection, then new messages, in order, while fewer than
// MaxInFlight are in flight. after, when not nil, runs once the packet is
// written. It returns nil when nothing can be written now.
func (c *Client) nextOutbound(epoch uint64) (pkt [][]byte, after func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.connected || c.epoch != epoch {
		return nil, nil
	}
	if len(c.strayRel) > 0 {
		id := c.strayRel[0]
		c.strayRel = c.strayRel[1:]
		return [][]byte{ackPacket(TypePubrel, id)}, nil
	}
	if len(c.control) > 0 {
		p := c.control[0]
		c.control = c.control[1:]
		return [][]byte{p}, nil
	}
	room := c.window() - c.inFlight()
	for _, om := range c.outbox {
		switch {
		case om.pid != 0 && om.epoch != epoch: // held from an earlier connection
			om.epoch = epoch
			moved := om.carrier != c.node+1 // a session shared by the nodes
			om.carrier, om.lostOn = c.node+1, 0
			om.sends++
			if moved {
				c.saveInFlight(om)
			}
			c.emit(Event{Kind: KindPublish, OutID: om.id, State: StateResent})
			if om.rec {
				return [][]byte{ackPacket(TypePubrel, om.pid)}, nil
			}
			return c.publishPacket(om.msg, om.pid, true), nil
		case om.pid != 0:
			continue // on this connection, awaiting its ack
		case om.epoch == epoch:
			continue // QoS 0 being written
		case om.msg.QoS == 0:
			om.epoch = epoch
			om.sends++
			id := om.id
			return c.publishPacket(om.msg, 0, false), func() { c.settle(id, StateSent, nil) }
		case room <= 0:
			return nil, nil // the window is full: the rest waits, in order
		}
		pid := c.allocID()
		if pid == 0 {
			return nil, nil
		}
		om.epoch, om.rec = epoch, false
		om.carrier, om.lostOn = c.node+1, 0
		om.sends++
		c.setPid(om, pid)
		c.saveInFlight(om)
		state := StateSending
		if om.sends > 1 {
			state = StateResent
		}
		c.emit(Event{Kind: KindPublish, OutID: om.id, State: state})
		return c.publishPacket(om.msg, pid, false), nil
	}
	return nil, nil
}

// settle takes a message out of the outbox with its final state.
func (c *Client) settle(id uint64, state OutState, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := slices.IndexFunc(c.outbox, func(om *outMessage) bool { return om.id == id })
	if i < 0 {
		return
	}
	c.remove(i)
	c.emit(Event{Kind: KindPublish, OutID: id, State: state, Err: err})
}

// remove takes a settled message out of the outbox (and its store), and
// frees its packet id.
func (c *Client) remove(i int) {
	om := c.outbox[i]
	if i == 0 { // the usual case: no shifting of a long outbox
		c.outbox[0] = nil
		c.outbox = c.outbox[1:]
	} else {
		c.outbox = slices.Delete(c.outbox, i, i+1)
	}
	c.pending.Store(int64(len(c.outbox)))
	c.setPid(om, 0)
	if c.cfg.Outbox != nil && om.msg.QoS > 0 {
		_ = c.cfg.Outbox.Done(om.id) // at worst it is sent again after a restart: QoS 1/2 allow that
	}
}

// onPubAck handles PUBACK, PUBREC and PUBCOMP from the broker, read on the
// connection of epoch.
func (c *Client) onPubAck(epoch uint64, typ byte, pid uint16) {
	c.mu.Lock()
	defer c.kickPump()
	defer c.mu.Unlock()
	if !c.connected || c.epoch != epoch {
		// Read late from a connection already given up: its ids may be
		// another message's by now. Whatever it settled is sent again.
		return
	}
	om, _ := c.ids[pid].(*outMessage)
	if om == nil {
		if typ == TypePubrec {
			// Not ours (any more): release it, as MQTT asks, so the broker forgets it.
			c.strayRel = append(c.strayRel, pid)
		}
		return
	}
	i := slices.Index(c.outbox, om)
	switch {
	case typ == TypePuback && om.msg.QoS == 2:
		c.remove(i)
		c.emit(Event{Kind: KindPublish, OutID: om.id, State: StateAckedAsQoS1,
			Err: errors.New("the broker answered this QoS 2 message with PUBACK, the ack of QoS 1")})
	case typ == TypePuback, typ == TypePubcomp:
		c.remove(i)
		c.emit(Event{Kind: KindPublish, OutID: om.id, State: StateAcked})
	case typ == TypePubrec && om.msg.QoS == 2:
		if !om.rec {
			om.rec = true
			c.saveInFlight(om)
		}
		c.strayRel = append(c.strayRel, pid) // PUBREL goes out next
	}
}

// requeueInFlight settles the outbox after a loss: a QoS 0 message not yet
// written fails (QoS 0 is never resent), and every QoS 1/2 message the lost
// connection carried without an ack is reported as queued again. Without a
// kept session their packet ids are let go: the broker forgets them too.
func (c *Client) requeueInFlight() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.strayRel, c.control = nil, nil
	c.dropPendingSubs()
	kept := c.outbox[:0]
	for _, om := range c.outbox {
		switch {
		case om.msg.QoS == 0:
			c.emit(Event{Kind: KindPublish, OutID: om.id, State: StateFailed, Err: errors.New("connection lost before it was sent")})
			continue
		case om.sends > 0 && om.epoch != 0:
			why := "connection lost before the broker acknowledged it; will resend"
			if om.msg.QoS == 2 && om.pid != 0 && len(c.cfg.Servers) > 1 {
				why = "connection lost before the broker completed it: resent to a node that keeps our session, else its fate is unknown"
			}
			c.emit(Event{Kind: KindPublish, OutID: om.id, State: StateQueued, Err: errors.New(why)})
		}
		if om.msg.QoS == 2 && om.pid != 0 {
			om.lostOn, om.lostRec = om.carrier, om.rec
		}
		om.epoch = 0
		if !c.cfg.PersistentSession {
			c.forget(om)
		}
		kept = append(kept, om)
	}
	clear(c.outbox[len(kept):])
	c.outbox = kept
	c.pending.Store(int64(len(c.outbox)))
}

// forgetSession lets go of every packet id: the broker, node of the
// cluster, has no session of ours, so each message in flight is sent again
// as new — but a QoS 2 message that was in flight on another node (PUBREC
// received, or no answer yet) has an unknown fate: that node may have
// delivered it, and sending it again could deliver it twice, which QoS 2
// promises never to do. It leaves the outbox as StateFateUnknown.
func (c *Client) forgetSession(node int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := 0; i < len(c.outbox); {
		om := c.outbox[i]
		on := om.lostOn
		if om.pid != 0 {
			on = om.carrier
			if on == 0 && len(c.cfg.Servers) > 1 {
				on = -1 // restored in flight from an earlier run: which node had it is not known
			}
		}
		if om.msg.QoS == 2 && on != 0 && on != node+1 {
			from := "a node of an earlier run"
			if on > 0 {
				from = "node " + NodeName(c.cfg.Servers[on-1])
			}
			c.remove(i)
			c.emit(Event{Kind: KindPublish, OutID: om.id, State: StateFateUnknown, Err: fateUnknownError(
				from, NodeName(c.cfg.Servers[node]), om.rec || om.lostRec)})
			continue
		}
		c.forget(om)
		i++
	}
}

// fateUnknownError says why a QoS 2 message's fate is unknown.
func fateUnknownError(from, to string, rec bool) error {
	had := "sent to " + from + " with no answer"
	if rec {
		had = "received by " + from + " (PUBREC), not completed"
	}
	return fmt.Errorf("%s before it went away; node %s has no session of ours: it may or may not have been delivered, and is not sent again (QoS 2 delivers at most once)", had, to)
}

func (c *Client) forget(om *outMessage) {
	if om.pid == 0 {
		return
	}
	c.setPid(om, 0)
	om.rec = false
	c.saveInFlight(om)
}

// setPid gives a message its packet id (0: none), keeping the id map and
// the in-flight count; c.mu is held.
func (c *Client) setPid(om *outMessage, pid uint16) {
	if om.pid != 0 {
		if c.ids[om.pid] == om {
			delete(c.ids, om.pid)
		}
		c.inFlightN--
	}
	om.pid = pid
	if pid != 0 {
		c.ids[pid] = om
		c.inFlightN++
	}
}

// saveInFlight persists a message's packet id and PUBREC state with the
// outbox, and with a NodeStore the node that carries it.
func (c *Client) saveInFlight(om *outMessage) {
	if om.msg.QoS == 0 {
		return
	}
	if s, ok := c.cfg.Outbox.(NodeStore); ok {
		f := InFlight{PacketID: om.pid, Released: om.rec}
		if om.pid != 0 && om.carrier > 0 && om.carrier <= len(c.cfg.Servers) && len(c.cfg.Servers) > 1 {
			f.Node = NodeName(c.cfg.Servers[om.carrier-1])
		}
		_ = s.InFlightOn(om.id, f) // at worst it is resent under a new id after a restart
		return
	}
	if s, ok := c.cfg.Outbox.(InFlightStore); ok {
		_ = s.InFlight(om.id, om.pid, om.rec)
	}
}

// allocID picks a packet id no packet in flight uses, or 0 when all 65,535 are.
func (c *Client) allocID() uint16 {
	for range 65535 {
		c.lastID++
		if c.lastID == 0 {
			c.lastID = 1
		}
		if _, used := c.ids[c.lastID]; !used && !c.inIDs.has(c.lastID) {
			return c.lastID
		}
	}
	return 0
}

// Pending is the number of messages in the outbox: sent or queued, not yet
// delivered. It takes no lock, so the screen can ask at any time.
func (c *Client) Pending() int { return int(c.pending.Load()) }
