package history

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
)

// clientKey turns a client id into a file-name part, injectively: letters,
// digits and '-' stay, every other byte becomes _XX (its hex), so plant/gw1
// and plant/gw2 (or a@b and a_b) never share a file. An id whose form would
// be too long for a file name is named by its SHA-256 instead.
func clientKey(id string) string {
	const hexDigits = "0123456789abcdef"
	var b strings.Builder
	b.WriteString("c_")
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
			b.WriteByte(c)
		default:
			b.WriteByte('_')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		}
	}
	if b.Len() > 160 {
		sum := sha256.Sum256([]byte(id))
		return "h_" + hex.EncodeToString(sum[:])
	}
	return b.String()
}

// sessionPath is the outbox file of a broker and client id in dir. An outbox
// that an older version wrote under its former name (the broker's key under
// any of its loopback names, and the client id cut at '/' and '@') is moved
// to the new name when the new one does not exist yet, unless a running
// mqttchat holds it: it goes to the first client id that the former name
// served, as the older version would have given it.
func sessionPath(dir, server, clientID string) string {
	path := filepath.Join(dir, BrokerKey(server)+"__"+clientKey(clientID)+".outbox")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		return path
	}
	suffix := "__" + legacyBrokerKey(clientID) + ".outbox"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return path
	}
	key := BrokerKey(server)
	for _, e := range entries {
		name := e.Name()
		brokerPart, ok := strings.CutSuffix(name, suffix)
		if !ok || strings.Contains(brokerPart, "__") {
			continue
		}
		if brokerPart != legacyBrokerKey(server) && brokerPart != key && !loopbackAlias(brokerPart, key) {
			continue
		}
		if moveOutbox(filepath.Join(dir, name), path) {
			break
		}
	}
	return path
}

// moveOutbox renames a former outbox to its new name under its lock.
func moveOutbox(from, to string) bool {
	lf, err := os.OpenFile(from+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return false
	}
	defer lf.Close()
	if ok, err := tryLock(lf); !ok || err != nil {
		return false // in use by a running older mqttchat: it stays, and is tried again next time
	}
	defer unlock(lf)
	if err := os.Rename(from, to); err != nil {
		return false
	}
	_ = os.Remove(from + ".lock")
	return true
}
