package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mqttchat/mqttconn/mqttstr"
)

// resolveV5 checks the settings that only MQTT 5 has: the sender's name
// and the session expiry. A name given with --name needs MQTT 5; one from
// the config file, a profile or MQTTCHAT_NAME is left out of a 3.1.1 run,
// with a note (nameNote).
func (s *settings) resolveV5(v values, src sources) error {
	w := src.where
	if v.name != "" {
		switch {
		case s.protocol == 5:
		case src["name"].rank == rankFlag:
			return usagef("%s: a sender name travels as an MQTT 5 user property: it needs -V 5 (the protocol is %s)", w("name"), protocolName(s.protocol))
		default:
			// A name kept for every run (config file, profile,
			// environment) must not stop the runs that speak 3.1.1.
			s.nameNote = fmt.Sprintf("name %s not sent: names need MQTT 5 (-V 5), this connection speaks %s · from %s",
				quoteCut(v.name), protocolName(s.protocol), src["name"].name)
			v.name = ""
		}
	}
	if v.name != "" {
		if err := mqttstr.Check(v.name); err != nil {
			return usagef("%s: %s", w("name"), quoteShort(v.name, err))
		}
		s.name = v.name
	}
	if !src.set("session_expiry") || v.sessionExpiry == "" {
		return nil
	}
	if s.protocol != 5 {
		return usagef("%s: a session expiry is an MQTT 5 setting: it needs -V 5", w("session_expiry"))
	}
	if !s.persistent {
		return usagef("%s: needs a kept session (-c with -i)", w("session_expiry"))
	}
	d, err := parseExpiry(v.sessionExpiry)
	if err != nil {
		return usagef("%s: %v", w("session_expiry"), err)
	}
	s.sessionExpiry = d
	return nil
}

// parseExpiry reads -x the way mosquitto does (seconds; -1 or ∞ for never),
// and also never, and ages such as 30m, 12h or 7d. 0 means never.
func parseExpiry(x string) (time.Duration, error) {
	t := strings.TrimSpace(x)
	switch strings.ToLower(t) {
	case "never", "-1", "∞", "4294967295":
		return 0, nil
	}
	bad := strconv.Quote(x) + " is not a duration (seconds, 30m, 12h, 7d or never)"
	if n, err := strconv.ParseUint(t, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if n > 4294967295 { // ErrRange gives the largest uint64
			return 0, errorString(strconv.Quote(x) + " seconds is over the maximum, 4294967295 (or -1, never: no expiry)")
		}
		if n == 0 {
			return 0, errorString("0 would end the session with the connection: leave out -c for that")
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := parseAge(t)
	if err != nil || d < time.Second {
		return 0, errorString(bad)
	}
	if d > 4294967295*time.Second {
		return 0, errorString(strconv.Quote(x) + " is over the maximum, 4294967295 seconds (or -1, never: no expiry)")
	}
	return d, nil
}

// protocolName is a protocol version as people say it.
func protocolName(v uint) string {
	switch v {
	case 3:
		return "MQTT 3.1"
	case 5:
		return "MQTT 5"
	}
	return "MQTT 3.1.1"
}

type errorString string

func (e errorString) Error() string { return string(e) }
