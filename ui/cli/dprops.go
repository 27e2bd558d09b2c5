package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/mqttstr"
	"mqttchat/mqttconn/topic"
)

// MQTT 5 properties from the command line, as mosquitto_pub and
// mosquitto_sub take them: -D COMMAND PROPERTY VALUE, and
// -D COMMAND user-property KEY VALUE. pflag takes one value per flag, so
// the -D groups are taken out of the arguments before it parses them.

// propKind is the type of a property's value.
type propKind int

const (
	propByte   propKind = iota // 0 or 1 here
	propU16                    // 16-bit unsigned integer
	propU32                    // 32-bit unsigned integer
	propVarint                 // variable byte integer
	propString                 // UTF-8 string
	propBinary                 // binary data, given as a string
	propPair                   // UTF-8 string pair: KEY VALUE
)

// propSpec is a property's value type and range.
type propSpec struct {
	kind     propKind
	min, max uint64
}

// propSpecs are every MQTT 5 property by mosquitto's name.
var propSpecs = map[string]propSpec{
	"payload-format-indicator":          {propByte, 0, 1},
	"message-expiry-interval":           {propU32, 0, 4294967295},
	"content-type":                      {kind: propString},
	"response-topic":                    {kind: propString},
	"correlation-data":                  {kind: propBinary},
	"subscription-identifier":           {propVarint, 1, mqttconn.MaxSubscriptionID},
	"session-expiry-interval":           {propU32, 0, 4294967295},
	"assigned-client-identifier":        {kind: propString},
	"server-keep-alive":                 {propU16, 0, 65535},
	"authentication-method":             {kind: propString},
	"authentication-data":               {kind: propBinary},
	"request-problem-information":       {propByte, 0, 1},
	"will-delay-interval":               {propU32, 0, 4294967295},
	"request-response-information":      {propByte, 0, 1},
	"response-information":              {kind: propString},
	"server-reference":                  {kind: propString},
	"reason-string":                     {kind: propString},
	"receive-maximum":                   {propU16, 1, 65535},
	"topic-alias-maximum":               {propU16, 0, 65535},
	"topic-alias":                       {propU16, 1, 65535},
	"maximum-qos":                       {propByte, 0, 1},
	"retain-available":                  {propByte, 0, 1},
	"user-property":                     {kind: propPair},
	"maximum-packet-size":               {propU32, 1, 4294967295},
	"wildcard-subscription-available":   {propByte, 0, 1},
	"subscription-identifier-available": {propByte, 0, 1},
	"shared-subscription-available":     {propByte, 0, 1},
}

// propCommands are the packets -D sets properties of, with the properties
// each allows (mosquitto's table; MQTT 5 §3), in the order help lists them.
var propCommands = []struct {
	name    string
	allowed []string
}{
	{"connect", []string{"session-expiry-interval", "receive-maximum", "maximum-packet-size", "topic-alias-maximum",
		"request-response-information", "request-problem-information", "user-property", "authentication-method", "authentication-data"}},
	{"publish", []string{"payload-format-indicator", "message-expiry-interval", "content-type", "response-topic",
		"correlation-data", "topic-alias", "user-property"}},
	{"subscribe", []string{"subscription-identifier", "user-property"}},
	{"unsubscribe", []string{"user-property"}},
	{"disconnect", []string{"session-expiry-interval", "reason-string", "user-property"}},
	{"will", []string{"will-delay-interval", "payload-format-indicator", "message-expiry-interval", "content-type",
		"response-topic", "correlation-data", "user-property"}},
}

// propUnsupported are properties MQTT allows that mqttchat does not send,
// and why.
var propUnsupported = map[string]string{
	"topic-alias-maximum":   "mqttchat sets it to what it resolves itself",
	"topic-alias":           "mqttchat sends every topic in full",
	"authentication-method": "mqttchat has no enhanced authentication (AUTH)",
	"authentication-data":   "mqttchat has no enhanced authentication (AUTH)",
}

// propGroup is one -D as given: COMMAND PROPERTY VALUE, or COMMAND
// user-property KEY VALUE.
type propGroup []string

// takeProperties takes the -D and --property groups out of args (up to a
// "--"), returning the rest for pflag. A group cut short is a usage error.
func takeProperties(args []string) ([]string, []propGroup, error) {
	rest := []string{} // not nil: cobra reads os.Args for nil
	var groups []propGroup
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if a != "-D" && a != "--property" {
			rest = append(rest, a)
			continue
		}
		n := 3
		if i+2 < len(args) && strings.EqualFold(args[i+2], "user-property") {
			n = 4
		}
		if i+n >= len(args) {
			return nil, nil, usagef("%s: give COMMAND PROPERTY VALUE, or COMMAND user-property KEY VALUE", a)
		}
		groups = append(groups, propGroup(args[i+1:i+1+n]))
		i += n
	}
	return rest, groups, nil
}

// runProps are the -D properties, sorted by the packet they go on.
type runProps struct {
	connect    *mqttconn.ConnectProperties
	sessionExp *time.Duration // connect session-expiry-interval (0: never)
	publish    *mqttconn.Properties
	subscribe  *mqttconn.SubscribeProperties
	unsubUser  []mqttconn.UserProperty
	disconnect *mqttconn.DisconnectProperties
	will       *mqttconn.Properties
	willDelay  time.Duration
}

// parseProperties checks the -D groups and sorts them by packet.
func parseProperties(groups []propGroup) (*runProps, error) {
	if len(groups) == 0 {
		return nil, nil
	}
	rp := &runProps{}
	seen := map[string]bool{}
	for _, g := range groups {
		cmd, name := strings.ToLower(g[0]), strings.ToLower(g[1])
		where := "-D " + cmd + " " + name
		allowed, ok := allowedFor(cmd)
		if !ok {
			return nil, usagef("-D %s: unknown command (use connect, publish, subscribe, unsubscribe, disconnect or will)", g[0])
		}
		spec, ok := propSpecs[name]
		if !ok {
			return nil, usagef("%s: unknown property", where)
		}
		if !contains(allowed, name) {
			return nil, usagef("%s: not allowed for %s (it takes %s)", where, cmd, strings.Join(allowed, ", "))
		}
		if why, ok := propUnsupported[name]; ok {
			return nil, usagef("%s: not supported: %s", where, why)
		}
		if spec.kind != propPair {
			if seen[cmd+" "+name] {
				return nil, usagef("%s: given twice (only user-property repeats)", where)
			}
			seen[cmd+" "+name] = true
		}
		if err := rp.set(cmd, name, spec, g[2:]); err != nil {
			return nil, usagef("%s: %v", where, err)
		}
	}
	return rp, nil
}

func allowedFor(cmd string) ([]string, bool) {
	for _, c := range propCommands {
		if c.name == cmd {
			return c.allowed, true
		}
	}
	return nil, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkUTF8 refuses what brokers do not take as an MQTT UTF-8 string
// (mqttstr.Check).
func checkUTF8(s string) error {
	if err := mqttstr.Check(s); err != nil {
		return errors.New(quoteShort(s, err))
	}
	return nil
}

// set checks a value against its spec and stores it.
func (rp *runProps) set(cmd, name string, spec propSpec, vals []string) error {
	var n uint64
	switch spec.kind {
	case propByte, propU16, propU32, propVarint:
		var err error
		n, err = strconv.ParseUint(vals[0], 10, 64)
		if err != nil || n < spec.min || n > spec.max {
			return fmt.Errorf("%q is not a whole number from %d to %d", vals[0], spec.min, spec.max)
		}
	case propString, propPair:
		for _, v := range vals {
			if err := checkUTF8(v); err != nil {
				return err
			}
		}
	case propBinary:
		if len(vals[0]) > topic.MaxLen {
			return fmt.Errorf("%d bytes is more than 65535", len(vals[0]))
		}
	}
	seconds := time.Duration(n) * time.Second
	user := func(list *[]mqttconn.UserProperty) {
		*list = append(*list, mqttconn.UserProperty{Key: vals[0], Value: vals[1]})
	}
	msg := func(p **mqttconn.Properties) *mqttconn.Properties {
		if *p == nil {
			*p = &mqttconn.Properties{}
		}
		return *p
	}
	switch cmd {
	case "connect":
		if rp.connect == nil {
			rp.connect = &mqttconn.ConnectProperties{}
		}
		switch name {
		case "session-expiry-interval":
			d := seconds
			if n == 4294967295 {
				d = 0 // never
			}
			if n == 0 {
				return fmt.Errorf("0 ends the session with the connection: leave out -c for that")
			}
			rp.sessionExp = &d
		case "receive-maximum":
			rp.connect.ReceiveMaximum = uint16(n)
		case "maximum-packet-size":
			rp.connect.MaximumPacketSize = uint32(n)
		case "request-response-information":
			rp.connect.RequestResponseInfo = n == 1
		case "request-problem-information":
			rp.connect.NoProblemInfo = n == 0
		case "user-property":
			user(&rp.connect.User)
		}
	case "publish", "will":
		target := &rp.publish
		if cmd == "will" {
			target = &rp.will
		}
		switch name {
		case "will-delay-interval":
			rp.willDelay = seconds
			msg(target) // the Will has properties now
		case "payload-format-indicator":
			msg(target).PayloadFormat = byte(n)
		case "message-expiry-interval":
			msg(target).MessageExpiry = seconds
		case "content-type":
			msg(target).ContentType = vals[0]
		case "response-topic":
			if err := topic.ValidateName(vals[0]); err != nil {
				return fmt.Errorf("%q: %v", vals[0], err)
			}
			if err := checkUTF8(vals[0]); err != nil {
				return err
			}
			msg(target).ResponseTopic = vals[0]
		case "correlation-data":
			msg(target).CorrelationData = []byte(vals[0])
		case "user-property":
			user(&msg(target).User)
		}
	case "subscribe":
		if rp.subscribe == nil {
			rp.subscribe = &mqttconn.SubscribeProperties{}
		}
		switch name {
		case "subscription-identifier":
			rp.subscribe.ID = int(n)
		case "user-property":
			user(&rp.subscribe.User)
		}
	case "unsubscribe":
		user(&rp.unsubUser)
	case "disconnect":
		if rp.disconnect == nil {
			rp.disconnect = &mqttconn.DisconnectProperties{}
		}
		switch name {
		case "session-expiry-interval":
			d := seconds
			rp.disconnect.SessionExpiry = &d
		case "reason-string":
			rp.disconnect.Reason = vals[0]
		case "user-property":
			user(&rp.disconnect.User)
		}
	}
	return nil
}
