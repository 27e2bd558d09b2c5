package screen

import (
	"github.com/charmbracelet/x/ansi"

	"mqttchat/ui/sanitize"
)

// sentBy names the sender of a message we sent, for a row width cells
// wide: "you", or the name it carries when that is not ours (ownSender),
// sanitized and cut as a received message's sender is.
func sentBy(sender string, width int) string {
	if sender == "" {
		return "you"
	}
	return ansi.Truncate(sanitize.String(sender), max(width/5, 8), "…")
}
