package history

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"
)

// A cluster is several broker nodes that serve one connection (mqttchat's
// repeated -L). Its history, outbox and search belong to the cluster, not
// to the node in use: a move between nodes keeps one history and one
// outbox. A cluster of one node is that broker, with the broker's key.

// ClusterKey is BrokerKey for the nodes of a cluster: with one node, that
// node's key; with more, "cluster_" and the nodes' keys, sorted and joined
// with '+', so that the order the nodes are listed in does not matter (nor
// a node listed under another loopback name), or their SHA-256 when that
// would be too long for a file name.
func ClusterKey(servers []string) string {
	keys := make([]string, 0, len(servers))
	for _, s := range servers {
		keys = append(keys, BrokerKey(s))
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	if len(keys) == 1 {
		return keys[0]
	}
	key := "cluster_" + strings.Join(keys, "+")
	if len(key) > 160 {
		sum := sha256.Sum256([]byte(strings.Join(keys, "\n")))
		key = "cluster_" + hex.EncodeToString(sum[:16])
	}
	return key
}

// ClusterDir is BrokerDir for a cluster.
func ClusterDir(servers []string) (string, error) {
	if len(servers) == 1 {
		return BrokerDir(servers[0])
	}
	root, err := historyRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, ClusterKey(servers)), nil
}

// ClusterDirs is BrokerDirs for a cluster.
func ClusterDirs(servers []string) ([]string, error) {
	if len(servers) == 1 {
		return BrokerDirs(servers[0])
	}
	dir, err := ClusterDir(servers)
	if err != nil {
		return nil, err
	}
	return []string{dir}, nil
}

// ClusterOutboxPath is OutboxPath for a cluster and client id.
func ClusterOutboxPath(servers []string, clientID string) (string, error) {
	if len(servers) == 1 {
		return OutboxPath(servers[0], clientID)
	}
	dir, err := StateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "sessions", ClusterKey(servers)+"__"+clientKey(clientID)+".outbox"), nil
}
