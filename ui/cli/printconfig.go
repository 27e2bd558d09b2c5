package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"mqttchat/mqttconn/brokerurl"
)

// printSettings shows every setting as a config-file line with where it
// came from, the password masked, then what they resolve to.
func printSettings(out io.Writer, v values, src sources, s settings) error {
	var b strings.Builder
	for _, o := range options {
		val := ""
		switch p := o.ptr(&v).(type) {
		case *string:
			val = strconv.Quote(*p)
			if o.key == "password" && *p != "" {
				val = `"********"`
			}
		case *int:
			val = strconv.Itoa(*p)
		case *bool:
			val = strconv.FormatBool(*p)
		case *[]string:
			q := make([]string, len(*p))
			for i, t := range *p {
				if o.key == "url" {
					t = brokerurl.Redact(t)
				}
				q[i] = strconv.Quote(t)
			}
			val = "[" + strings.Join(q, ", ") + "]"
			if o.key == "url" && len(q) <= 1 { // one broker, as it was written
				val = `""`
				if len(q) == 1 {
					val = q[0]
				}
			}
		}
		from := "default"
		if sr, ok := src[o.key]; ok && sr.rank > rankDefault {
			from = sr.name
		}
		fmt.Fprintf(&b, "%-22s = %-30s # %s\n", o.key, val, from)
	}
	if len(s.servers) > 1 {
		fmt.Fprintf(&b, "# resolved: cluster of %d nodes %s", len(s.servers), strings.Join(s.servers, " "))
	} else {
		fmt.Fprintf(&b, "# resolved: broker %s", s.server)
	}
	if !s.named {
		b.WriteString(" (none named: the built-in broker starts when nothing listens there)")
	}
	var subs []string
	for _, sub := range s.subscriptions {
		what := fmt.Sprintf("q%d", sub.QoS)
		if w := sub.OptionWords(); len(w) > 0 {
			what += ", " + strings.Join(w, ", ")
		}
		subs = append(subs, fmt.Sprintf("%s (%s)", sub.Filter, what))
	}
	fmt.Fprintf(&b, "; subscriptions %s", strings.Join(subs, ", "))
	if s.tls != nil {
		b.WriteString("; TLS")
		if len(s.plainNodes) > 0 {
			fmt.Fprintf(&b, " on %d of %d nodes (not on %s)", len(s.servers)-len(s.plainNodes), len(s.servers), strings.Join(s.plainNodes, ", "))
		}
		if s.insecure {
			b.WriteString(" without verification (--insecure)")
		}
	}
	if s.persistent {
		b.WriteString("; persistent session")
		if len(s.servers) > 1 && s.shared {
			b.WriteString(" shared by the nodes")
		} else if len(s.servers) > 1 {
			b.WriteString(" on one node at a time (a move starts it clean)")
		}
	}
	if s.assignID {
		b.WriteString("; client id assigned by the broker")
	}
	if s.nameNote != "" {
		b.WriteString("; name not sent (it needs MQTT 5)")
	}
	b.WriteString("\n")
	_, err := io.WriteString(out, b.String())
	return err
}
