package topics

import (
	"fmt"
	"strings"

	"mqttchat/ui/sanitize"

	"mqttchat/ui/words"
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
		fmt.Fprintf(&b, "Clear the retained messages of %d %s at or below %s?", len(topics), words.Plural(len(topics), "topic", "topics"), quote(prefix))
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

// ClearReport says what a clear left: asked are the topics whose retained
// message was cleared, still those the re-check (a new subscription to the
// prefix, which gets every retained message at once) found retained again.
// A 3.1.1 broker acknowledges a publish it did not apply (an ACL denial
// still gets PUBACK 0), so only the re-check tells.
func ClearReport(asked, still []string) string {
	left := map[string]bool{}
	for _, t := range still {
		left[t] = true
	}
	var kept []string
	for _, t := range asked {
		if left[t] {
			kept = append(kept, quote(t))
		}
	}
	if len(kept) == 0 {
		return fmt.Sprintf("Cleared: none of the %d %s holds a retained message now.", len(asked), words.Plural(len(asked), "topic", "topics"))
	}
	const listed = 5
	names := strings.Join(kept[:min(len(kept), listed)], ", ")
	if len(kept) > listed {
		names += fmt.Sprintf(" and %d more", len(kept)-listed)
	}
	return fmt.Sprintf("%d of %d %s still %s a retained message (the broker did not apply the clear: check its access rules): %s",
		len(kept), len(asked), words.Plural(len(asked), "topic", "topics"), words.Plural(len(kept), "holds", "hold"), names)
}
