package cli

import (
	"strings"

	"mqttchat/history"
)

// nodeKey names a broker node the way the history does (every loopback
// name of a port is one broker: history.BrokerKey), with its WebSocket
// path: two -L that give the same key are the same broker twice.
func nodeKey(a brokerAddr) string { return history.BrokerKey(a.server()) + a.path }

// checkMixedTLS refuses a cluster that mixes encrypted and plain nodes
// while a user name (and so maybe a password) is given: the credentials
// would go unencrypted to the plain nodes, whatever TLS protects on the
// others. Without credentials a mixed list is allowed (print-config and
// the README say which nodes are plain).
func (s *settings) checkMixedTLS(src sources) error {
	if len(s.plainNodes) == 0 || s.username == "" {
		return nil
	}
	return usagef("%s: the user name and password would go unencrypted to %s: give every node of the cluster as mqtts:// (or wss://), or none", src.where("url"), strings.Join(s.plainNodes, ", "))
}
