package cli

import (
	"fmt"
	"strings"

	"mqttchat/mqttconn"
)

// resolveProperties checks the -D properties against the other settings
// and keeps them. Given without -V, they choose MQTT 5, as in mosquitto.
func (s *settings) resolveProperties(v values, src sources) error {
	rp, err := parseProperties(v.props)
	if err != nil || rp == nil {
		return err
	}
	if s.protocol != 5 {
		return usagef("-D: MQTT 5 properties need MQTT 5, but %s gives %s", src.where("protocol_version"), protocolName(s.protocol))
	}
	if rp.sessionExp != nil {
		if src.set("session_expiry") {
			return usagef("-D connect session-expiry-interval: %s gives the session expiry already", src.where("session_expiry"))
		}
		if !s.persistent {
			return usagef("-D connect session-expiry-interval: needs a kept session (-c with -i), as -x does")
		}
		s.sessionExpiry = *rp.sessionExp
	}
	if d := rp.disconnect; d != nil && d.SessionExpiry != nil && *d.SessionExpiry > 0 && !s.persistent {
		return usagef("-D disconnect session-expiry-interval: a session that ends with the connection cannot be extended at DISCONNECT (MQTT-3.14.2-2): use -c")
	}
	if rp.will != nil {
		if s.will == nil {
			return usagef("-D will: needs --will-topic")
		}
		w := *s.will
		w.Properties, w.Delay = rp.will, rp.willDelay
		if len(w.Properties.User) == 0 && w.Properties.ContentType == "" && w.Properties.ResponseTopic == "" &&
			w.Properties.CorrelationData == nil && w.Properties.MessageExpiry == 0 && w.Properties.PayloadFormat == 0 {
			w.Properties = nil // only the delay
		}
		s.will = &w
	}
	s.props = rp
	return nil
}

// applyProperties puts the -D properties into a connection's configuration.
func (s settings) applyProperties(c *mqttconn.Config) {
	rp := s.props
	if rp == nil {
		return
	}
	c.ConnectProperties = rp.connect
	c.PublishProperties = rp.publish
	c.SubscribeProperties = rp.subscribe
	c.UnsubscribeUser = rp.unsubUser
	c.DisconnectProperties = rp.disconnect
}

// propertiesKey is -D's config file and profile key: a list of groups,
// each a list of strings as on the command line, e.g.
// properties = [["connect", "user-property", "site", "my lab"]].
const propertiesKey = "properties"

// applyPropertiesKey reads the properties key of a config table into v,
// checking each group as -D would.
func applyPropertiesKey(val any, v *values) error {
	list, ok := val.([]any)
	if !ok {
		return fmt.Errorf("must be a list of lists, as [[\"publish\", \"content-type\", \"text/plain\"]], not %T", val)
	}
	groups := make([]propGroup, 0, len(list))
	for _, x := range list {
		items, ok := x.([]any)
		if !ok {
			return fmt.Errorf("must be a list of lists of strings, holds %T", x)
		}
		g := make(propGroup, 0, len(items))
		for _, it := range items {
			s, ok := it.(string)
			if !ok {
				return fmt.Errorf("must be a list of lists of strings, holds %T", it)
			}
			g = append(g, s)
		}
		want := 3
		if len(g) > 1 && strings.EqualFold(g[1], "user-property") {
			want = 4
		}
		if len(g) != want {
			return fmt.Errorf("%q: give COMMAND PROPERTY VALUE, or COMMAND user-property KEY VALUE", g)
		}
		groups = append(groups, g)
	}
	if _, err := parseProperties(groups); err != nil {
		return err
	}
	v.props = groups
	return nil
}
