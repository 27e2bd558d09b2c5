package mqttconn

import (
	"errors"
	"fmt"
	"net/url"
)

// A cluster is several brokers (nodes) that serve one connection: the
// client is on one node at a time. nodeOrder chooses which: it stays on a
// node while it works, moves to the next one (in the configured order,
// wrapping) after a failed attempt or a lost connection, and reports a
// round once every node failed in a row, which is when the reconnect loop
// backs off. A single server is a cluster of one: every failure is a full
// round, as before clusters.
type nodeOrder struct {
	n      int // nodes
	cur    int // the node in use, or to try next
	failed int // attempts failed in a row since the last connection or loss
}

// failedAttempt notes that an attempt on the current node failed and moves
// on; round is true when every node has now failed once in a row.
func (o *nodeOrder) failedAttempt() (round bool) {
	o.failed++
	o.cur = (o.cur + 1) % o.n
	if o.failed >= o.n {
		o.failed = 0
		return true
	}
	return false
}

// connected notes a connection on the current node.
func (o *nodeOrder) connected() { o.failed = 0 }

// lost notes the loss of the connection on the current node: the next
// attempt goes to the next node (the node that was lost counts as failed
// in this round, so a round ends when the lost node fails once more).
func (o *nodeOrder) lost() {
	if o.n > 1 {
		o.cur = (o.cur + 1) % o.n
		o.failed = 1
	}
}

// NodeName is a node's short name for the user: host:port, with no
// scheme, path or credentials.
func NodeName(server string) string {
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		return "(not a URL)"
	}
	return u.Host
}

// validateNodes checks the list of nodes: each a URL with a host, none
// twice, and Server the first.
func (c *Config) validateNodes() error {
	if len(c.Servers) == 0 || c.Servers[0] != c.Server {
		return errors.New("the broker address must be the first of the cluster's nodes")
	}
	seen := make(map[string]bool, len(c.Servers))
	for i, s := range c.Servers {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return fmt.Errorf("broker node %d of %d is not a broker URL with a host", i+1, len(c.Servers))
		}
		key := u.Scheme + "://" + u.Host + u.Path
		if seen[key] {
			return fmt.Errorf("broker node %s is listed twice", u.Host)
		}
		seen[key] = true
	}
	return nil
}
