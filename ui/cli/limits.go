package cli

import "mqttchat/ui/fileread"

// The most mqttchat reads of each file a person names (README, "Files
// mqttchat reads"); each must also be a regular file. A larger one is refused
// in words, so /dev/zero or a wrong path can never exhaust memory.
const (
	maxConfigFile   = 1 << 20   // config.toml: far more than any list of profiles
	maxPasswordFile = 65535 + 2 // --pw-file: MQTT's longest password and a CR LF
	maxPEMFile      = 16 << 20  // --cafile, each --capath file, --cert, --key: far more than a CA bundle
)

// readFile reads a file a person named, within limit.
func readFile(path string, limit int64) ([]byte, error) { return fileread.Read(path, limit) }
