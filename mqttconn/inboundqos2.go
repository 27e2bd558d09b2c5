package mqttconn

import "slices"

// recordedQoS2 notes that an inbound QoS 2 message is recorded (or, without
// a sink, handed on): its PUBREC may go. from is the paho client (paho v1's
// paho.Client or paho.golang's *paho.Client) of the connection that
// received it; that client sends the PUBREC, but only on that connection
// (paho.golang also in batches, every 50 ms), so the PUBREC can be lost with
// its connection, or never be written when the message was recorded after
// the connection ended. The broker then sends the message again (DUP) on
// the next connection of the session, where the paho client knows nothing
// of it. So the id is marked as answerable (seenQoS2 then answers a
// redelivery with PUBREC itself), and when the connection has already
// changed, the PUBREC goes now on the current one.
func (c *Client) recordedQoS2(from any, id uint16) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, held := c.inHeld[id]; !held {
		return // released (PUBREL came), or a session the broker lost
	}
	c.inHeld[id] = true
	if c.connected && from != c.currentPaho() {
		c.control = append(c.control, ackPacket(TypePubrec, id))
		c.kickPump()
	}
}

// currentPaho is the paho client of the current or last connection, of
// either protocol; c.mu is held.
func (c *Client) currentPaho() any {
	if c.v5 != nil {
		return c.v5.pc
	}
	return c.paho
}

// saveHeld hands a HeldStore, at Close, the inbound QoS 2 ids recorded and
// not yet released, so that the next run answers their redelivery instead
// of showing it again. Ids whose message is not recorded are left out: the
// next run should deliver those.
func (c *Client) saveHeld() {
	s, ok := c.cfg.Outbox.(HeldStore)
	if !ok || !c.cfg.PersistentSession {
		return
	}
	c.mu.Lock()
	ids := make([]uint16, 0, len(c.inHeld))
	for id, answerable := range c.inHeld {
		if answerable {
			ids = append(ids, id)
		}
	}
	c.mu.Unlock()
	slices.Sort(ids)
	_ = s.SaveHeld(ids) // a failure costs at most a message shown twice after the restart
}
