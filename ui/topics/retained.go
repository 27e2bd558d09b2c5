package topics

import (
	"fmt"
	"strings"

	"mqttchat/ui/sanitize"
)

// ClearQuestion is the question asked before clearing the retained
// messages of topics (at or below prefix): how many and which, at most
// listed of them by name, and that the broker may refuse without saying so.
// topics are raw; the text is display-safe.
func ClearQuestion(prefix string, topics []string, listed int) string {
	if len(topics) == 0 {
		return fmt.Sprintf("No topic at or below %s is known to hold a retained message.", quote(prefix))
	}
	var b strings.Builder
	if len(topics) == 1 && topics[0] == prefix {
		fmt.Fprintf(&b, "Clear the retained message of %s?", quote(prefix))
	} else {
		fmt.Fprintf(&b, "Clear the retained messages of %d %s at or below %s?", len(topics), plural(len(topics), "topic", "topics"), quote(prefix))
		for i, t := range topics {
			if i == listed {
				fmt.Fprintf(&b, "\n  … and %d more", len(topics)-listed)
				break
			}
			b.WriteString("\n  " + quote(t))
		}
	}
	b.WriteString("\nAn empty retained message is published to each. A broker may refuse without saying so" +
		" (MQTT 3.1.1 has no refusal for a publish): what is left is checked afterwards.")
	return b.String()
}

// quote shows a topic safely; the empty topic level is shown as "".
func quote(t string) string {
	if t == "" {
		return `""`
	}
	return sanitize.String(t)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
