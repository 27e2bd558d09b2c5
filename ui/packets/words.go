package packets

import (
	"fmt"
	"strconv"
	"strings"

	"mqttchat/mqttconn"
	"mqttchat/ui/sanitize"
)

// Arrows of the two directions.
const (
	ArrowOut = "→" // sent
	ArrowIn  = "←" // received
)

// Words are a packet's fields in words, sanitized, e.g.
// `id 7 · QoS 2 · dup · a/b · 12 B "hello…"`. On MQTT 5 they add the
// reason code and the properties, e.g. `id 7 · no matching subscribers ·
// Reason String: nobody listens`.
func Words(p mqttconn.Packet) string {
	var b strings.Builder
	add := func(s string) {
		if b.Len() > 0 {
			b.WriteString(" · ")
		}
		b.WriteString(s)
	}
	idWord := func() { add("id " + strconv.Itoa(int(p.ID))) }
	switch p.Type {
	case mqttconn.TypeConnect:
		c := p.Connect
		if c == nil {
			break
		}
		add(fmt.Sprintf("%s %d", sanitize.String(c.Protocol), c.Level))
		if c.ClientID == "" {
			add("client id empty")
		} else {
			add("client id " + sanitize.String(c.ClientID))
		}
		add(fmt.Sprintf("keep-alive %d s", c.KeepAlive))
		if c.CleanSession {
			add("clean session")
		} else {
			add("session kept")
		}
		if c.Will {
			w := fmt.Sprintf("will %s QoS %d", sanitize.String(c.WillTopic), c.WillQoS)
			if c.WillRetain {
				w += " retained"
			}
			add(w)
		}
		if c.Username {
			add("user name")
		}
		if c.Password {
			add("password (not shown)")
		}
	case mqttconn.TypeConnack:
		if p.V5 {
			add(mqttconn.ReasonText(p.Code))
		} else {
			add(mqttconn.ConnackText(p.Code))
		}
		if p.SessionPresent {
			add("session present")
		} else {
			add("no session")
		}
	case mqttconn.TypePublish:
		if p.QoS() > 0 {
			idWord()
		}
		add(fmt.Sprintf("QoS %d", p.QoS()))
		if p.Dup() {
			add("dup")
		}
		if p.Retain() {
			add("retained")
		}
		if p.Topic != "" || p.Length > 0 {
			add(sanitize.String(p.Topic))
		}
		add(sizeWord(p.PayloadLen))
		if p.PreviewLen > 0 {
			pv := sanitize.Bytes(p.PreviewBytes())
			if int(p.PreviewLen) < p.PayloadLen {
				pv += "…"
			}
			b.WriteString(" “" + pv + "”")
		}
		if p.Dropped && p.QoS() > 0 {
			add("over the size cap: acknowledged, not shown")
		} else if p.Dropped {
			add("over the size cap: not shown")
		}
		if p.Duplicate {
			add("again before its PUBREL: not delivered twice")
		}
	case mqttconn.TypePuback, mqttconn.TypePubrec, mqttconn.TypePubrel, mqttconn.TypePubcomp:
		idWord()
		if p.V5 && p.Code != 0 {
			add(mqttconn.ReasonText(p.Code))
		}
	case mqttconn.TypeUnsuback:
		idWord()
		if p.V5 && p.Subs != nil {
			for _, c := range p.Subs.Codes {
				add(mqttconn.ReasonText(c))
			}
		}
	case mqttconn.TypeDisconnect, mqttconn.TypeAuth:
		switch {
		case p.V5 && p.Type == mqttconn.TypeDisconnect && p.Code == 0:
			add("normal disconnection")
		case p.V5:
			add(mqttconn.ReasonText(p.Code))
		}
	case mqttconn.TypeSubscribe, mqttconn.TypeUnsubscribe:
		idWord()
		if p.Subs != nil {
			for _, f := range p.Subs.Filters {
				if p.Type == mqttconn.TypeSubscribe {
					opts := ""
					if w := f.OptionWords(); len(w) > 0 {
						opts = " (" + strings.Join(w, ", ") + ")"
					}
					add(fmt.Sprintf("%s QoS %d%s", sanitize.String(f.Filter), f.QoS, opts))
				} else {
					add(sanitize.String(f.Filter))
				}
			}
		}
	case mqttconn.TypeSuback:
		idWord()
		text := mqttconn.SubackText
		if p.V5 {
			text = mqttconn.ReasonText
		}
		if p.Subs != nil {
			for _, c := range p.Subs.Codes {
				add(text(c))
			}
		} else {
			add(text(p.Code))
		}
	}
	for _, pr := range p.Props {
		add(PropWords(pr))
	}
	if p.Cut {
		add("(cut)")
	}
	if p.Malformed {
		add("malformed")
	}
	return b.String()
}

// PropWords is an MQTT 5 property in words, sanitized, e.g. "Reason
// String: nobody listens", or "…" where the list was cut.
func PropWords(pr mqttconn.Prop) string {
	if pr.Name == mqttconn.PropsCut {
		return mqttconn.PropsCut
	}
	return pr.Name + ": " + sanitize.String(pr.Value)
}

// sizeWord is a payload size, e.g. "12 B" or "3.4 KiB".
func sizeWord(n int) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
