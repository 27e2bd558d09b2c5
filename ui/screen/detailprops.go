package screen

import (
	"encoding/hex"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
	"mqttchat/ui/payload"
	"mqttchat/ui/sanitize"
)

// The detail view shows a message's MQTT 5 properties in a block above its
// payload; the list marks a row whose message has properties beyond the
// sender's name (hasProps).

// propLabelWidth is the width of the block's label column.
const propLabelWidth = 18

// correlationHexLimit is how many bytes of binary correlation data are
// shown in hex; the rest is counted.
const correlationHexLimit = 256

// hasExtraProperties reports whether p holds a property the sender set
// beyond the name: what the list marks. The subscription identifiers and
// the topic alias are not marked: they come from our own subscription and
// the connection, on every message alike.
func hasExtraProperties(p *mqttconn.Properties) bool {
	if p == nil {
		return false
	}
	if p.ResponseTopic != "" || len(p.CorrelationData) > 0 {
		return true
	}
	return hasPropertiesBeyondRequest(p)
}

// hasPropertiesBeyondRequest says whether p holds more than a sender's
// name, a response topic and correlation data: what a request or a reply
// carries, which its row shows as [request] or by its thread.
func hasPropertiesBeyondRequest(p *mqttconn.Properties) bool {
	if p == nil {
		return false
	}
	if p.PayloadFormat != 0 || p.ContentType != "" || p.MessageExpiry > 0 {
		return true
	}
	for _, u := range p.User {
		if u.Key != mqttconn.NameProperty {
			return true
		}
	}
	return false
}

// contentTypeMode is the view a content type asks for: JSON for
// application/json and any +json type, text for text/*.
func contentTypeMode(p *mqttconn.Properties) (payload.Mode, bool) {
	if p == nil || p.ContentType == "" {
		return 0, false
	}
	mt, _, err := mime.ParseMediaType(p.ContentType)
	if err != nil {
		return 0, false
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return payload.ModeJSON, true
	case strings.HasPrefix(mt, "text/"):
		return payload.ModeText, true
	}
	return 0, false
}

// expiryLapsed reports whether a message that arrived at arrived with
// properties p has lapsed at now (false without an expiry).
func expiryLapsed(p *mqttconn.Properties, arrived, now time.Time) bool {
	return p != nil && p.MessageExpiry > 0 && !now.Before(arrived.Add(p.MessageExpiry))
}

// propertyLines are the block of a message's MQTT 5 properties, every
// network string sanitized; nil when it has none. payloadOK is false when
// the whole payload is known and is not valid UTF-8. With a width (> 0) a
// long value wraps once, at the width of the value column, under itself
// (on a narrow screen, where the label takes too much, on the lines below
// its label).
func propertyLines(p *mqttconn.Properties, arrived, now time.Time, payloadOK bool, width int, s *Styles) []string {
	if p == nil {
		return nil
	}
	lines := []string{s.Hint.Render("MQTT 5 properties")}
	indent := 2 + propLabelWidth
	if width < 3*indent {
		indent = 4
	}
	pad := strings.Repeat(" ", indent)
	add := func(label, value string) {
		line := "  " + s.Hint.Render(fmt.Sprintf("%-*s", propLabelWidth, label)) + value
		if width <= 0 || ansi.StringWidth(line) <= width {
			lines = append(lines, line)
			return
		}
		// Wrapped once: the first piece at the room beside the label, the
		// rest at the value column's width (the same on a wide screen;
		// on a narrow one the rest goes under the label).
		head := "  " + s.Hint.Render(fmt.Sprintf("%-*s", propLabelWidth, label))
		first, rest := wrapFirst(value, width-ansi.StringWidth(head))
		lines = append(lines, head+first)
		if rest != "" {
			for _, l := range strings.Split(ansi.Wrap(rest, max(width-indent, 1), ""), "\n") {
				lines = append(lines, pad+l)
			}
		}
	}
	switch p.PayloadFormat {
	case 0:
		add("payload format", "unspecified bytes")
	case 1:
		if payloadOK {
			add("payload format", "UTF-8 text")
		} else {
			add("payload format", "UTF-8 text "+s.Warn.Render("(but the payload is not valid UTF-8)"))
		}
	default:
		add("payload format", fmt.Sprintf("%d (not a valid indicator)", p.PayloadFormat))
	}
	if p.ContentType != "" {
		add("content type", sanitize.String(p.ContentType))
	}
	if p.MessageExpiry > 0 {
		secs := int64(p.MessageExpiry / time.Second)
		v := strconv.FormatInt(secs, 10) + " s"
		if secs >= 60 {
			v += " (" + p.MessageExpiry.String() + ")"
		}
		at := arrived.Add(p.MessageExpiry).Local().Format("2006-01-02 15:04:05")
		if expiryLapsed(p, arrived, now) {
			v += " · lapsed " + at
		} else {
			v += " · lapses " + at
		}
		add("message expiry", v)
	}
	if p.ResponseTopic != "" {
		add("response topic", sanitize.String(p.ResponseTopic))
	}
	if len(p.CorrelationData) > 0 {
		add("correlation data", correlationText(p.CorrelationData))
	}
	for _, u := range p.User {
		v := sanitize.String(u.Key) + " = " + sanitize.String(u.Value)
		if u.Key == mqttconn.NameProperty {
			v += s.Hint.Render(" (the sender's name)")
		}
		add("user property", v)
	}
	if len(p.SubscriptionIDs) > 0 {
		ids := make([]string, len(p.SubscriptionIDs))
		for i, id := range p.SubscriptionIDs {
			ids[i] = strconv.Itoa(id)
		}
		add(plural(len(ids), "subscription id", "subscription ids"), strings.Join(ids, ", "))
	}
	if p.TopicAlias != 0 {
		add("topic alias", fmt.Sprintf("%d (the topic came through this alias)", p.TopicAlias))
	}
	return lines
}

// wrapFirst cuts the first line of v at w cells, where ansi.Wrap would,
// and returns it and the rest (without the space it broke at). Styles
// carry over: the cuts keep v's escape sequences.
func wrapFirst(v string, w int) (first, rest string) {
	if w < 1 {
		return "", v
	}
	first, _, _ = strings.Cut(ansi.Wrap(v, w, ""), "\n")
	n, total := ansi.StringWidth(first), ansi.StringWidth(v)
	if n >= total {
		return v, ""
	}
	if ansi.Strip(ansi.Cut(v, n, n+1)) == " " {
		n++ // the space it broke at
	}
	return first, ansi.Cut(v, n, total)
}

// correlationText is correlation data as text when it is printable UTF-8,
// else in hex.
func correlationText(c []byte) string {
	if printable(c) {
		return sanitize.Bytes(c)
	}
	shown := c[:min(len(c), correlationHexLimit)]
	h := make([]string, len(shown))
	for i := range shown {
		h[i] = hex.EncodeToString(shown[i : i+1])
	}
	v := "hex " + strings.Join(h, " ")
	if len(c) > len(shown) {
		v += " …"
	}
	return v + fmt.Sprintf(" (%d %s)", len(c), plural(len(c), "byte", "bytes"))
}

// printable reports whether b is valid UTF-8 of graphic characters and
// spaces only.
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if r != ' ' && !unicode.IsGraphic(r) {
			return false
		}
	}
	return true
}
