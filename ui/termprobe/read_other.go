//go:build !unix

package termprobe

import (
	"errors"
	"os"
	"time"
)

// readReplies is not done where the terminal cannot be polled: the probe
// finds nothing, and the mode is the one that fits every terminal.
func readReplies(*os.File, time.Duration) (replies, error) {
	return replies{}, errors.New("probing is not supported on this system")
}
