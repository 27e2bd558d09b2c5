package mqttconn

// Sessions in a cluster.
//
// With a persistent session (Config.PersistentSession), a broker keeps
// our subscriptions, the messages queued for us and the packet ids of the
// QoS 1/2 exchanges in flight. Nodes joined by a plain bridge (mosquitto)
// share none of it: each keeps its own session of our client id, and the
// one we left goes stale — it still holds a QoS 2 message awaiting a
// PUBREL, packet ids of ours, and a queue it will replay. Coming back to it
// and believing its session present 1 would finish on it an exchange that
// belonged to another node (a PUBREL for a message it never had: "✓
// acknowledged" for a message delivered to nobody), reuse ids it still
// holds, and replay its queue as duplicates.
//
// So, unless Config.SharedSessions says the nodes share sessions, one node
// at a time holds the session — the node of the last connection (or, at
// start, Config.SessionNode from the last run) — and a connection to any
// other node is a move that starts clean: MQTT 5 Clean Start 1 with the
// configured session expiry, MQTT 3.1.1 clean session 1 for that connect
// (the node drops whatever stale session of ours it holds; over 3.1.1 the
// session of that connection ends with it, and later reconnects to the
// same node keep a session again). After a move the node has nothing of
// ours: the client subscribes again, QoS 1 messages not acknowledged are
// sent again, a QoS 2 message in flight on the node we left has an unknown
// fate (forgetSession) and no packet id is used against a stale session.
// With SharedSessions a move never starts clean and session present is
// trusted. A single broker is a cluster of one: it never moves.

// initSessionNode finds Config.SessionNode among the nodes: the node the
// first attempt goes to, without clean start.
func (c *Client) initSessionNode() {
	for i, s := range c.cfg.Servers {
		if c.cfg.SessionNode != "" && NodeName(s) == c.cfg.SessionNode {
			c.sessNode, c.savedNode = i, c.cfg.SessionNode
			return
		}
	}
}

// cleanStartFor says whether a connection to node starts a clean session:
// always without PersistentSession, and for a move to a node that does not
// hold our session when the nodes share none.
func (c *Client) cleanStartFor(node int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.cfg.PersistentSession || (!c.cfg.SharedSessions && node != c.sessNode)
}

// sessionOn notes that node holds our session now, and saves it with the
// outbox (a NodeStore) when that changed; a single broker saves nothing.
func (c *Client) sessionOn(node int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sessNode = node
	name := NodeName(c.cfg.Servers[node])
	if !c.cfg.PersistentSession || len(c.cfg.Servers) < 2 || name == c.savedNode {
		return
	}
	if s, ok := c.cfg.Outbox.(NodeStore); ok {
		if s.SessionNode(name) == nil {
			c.savedNode = name
		}
	}
}

// restoredCarrier is the node (index+1) a restored message was in flight
// on, 0 when not known.
func (c *Client) restoredCarrier(f InFlight) int {
	if f.Node == "" {
		return 0
	}
	for i, s := range c.cfg.Servers {
		if NodeName(s) == f.Node {
			return i + 1
		}
	}
	return 0
}
