package screen

import (
	"bytes"
	"strings"

	"mqttchat/mqttconn/topic"
)

// listFilter narrows the list to messages whose topic matches an MQTT filter
// and/or whose payload holds a text.
type listFilter struct {
	topicFilter string
	text        []byte
}

// parseFilter reads what was typed after '/': a first word holding '/', '+'
// or '#' is a topic filter (wildcards as in MQTT); the rest is text to find
// in the payload (case-sensitive). An empty input is no filter.
func parseFilter(input string) (*listFilter, error) {
	input = strings.TrimSpace(input)
	if input == "" {
		return nil, nil
	}
	f := &listFilter{}
	first, rest, _ := strings.Cut(input, " ")
	if strings.ContainsAny(first, "/+#") {
		if err := topic.ValidateFilter(first); err != nil {
			return nil, err
		}
		f.topicFilter = first
		input = strings.TrimSpace(rest)
	}
	f.text = []byte(input)
	return f, nil
}

// match reports whether the entry passes. Timeline rows never do.
func (f *listFilter) match(e *entry) bool {
	if e.kind == entryEvent {
		return false
	}
	if f.topicFilter != "" && !topic.Match(f.topicFilter, e.topic) {
		return false
	}
	return len(f.text) == 0 || bytes.Contains(e.payload, f.text)
}

// oneTopic reports whether f lets through one topic only (a topic filter
// without wildcards; a shared one's after $share/<group>/): the list then
// shows rows in the chat layout, without their topic. A nil filter lets
// every topic through.
func (f *listFilter) oneTopic() bool {
	if f == nil || f.topicFilter == "" {
		return false
	}
	t := f.topicFilter
	if _, inner, ok := topic.Shared(t); ok {
		t = inner
	}
	return !topic.HasWildcard(t)
}
