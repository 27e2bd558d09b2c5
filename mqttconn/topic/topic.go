// Package topic validates MQTT topic names and filters (shared subscriptions
// included) and matches names against filters, following OASIS MQTT 3.1.1
// §4.7 and §1.5.3 and MQTT 5 §4.8.2.
package topic

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxLen is the longest topic name or filter MQTT can encode (a 2-byte length prefix).
const MaxLen = 65535

// Errors returned by the validators. They are wrapped with detail where useful.
var (
	ErrEmpty       = errors.New("topic is empty")
	ErrTooLong     = errors.New("topic is longer than 65535 bytes")
	ErrInvalidUTF8 = errors.New("topic is not valid UTF-8")
	ErrNUL         = errors.New("topic contains U+0000")
	ErrWildcard    = errors.New("topic name must not contain + or #")
)

// checkString applies the rules shared by names and filters: length, UTF-8, no NUL.
func checkString(s string) error {
	switch {
	case s == "":
		return ErrEmpty
	case len(s) > MaxLen:
		return fmt.Errorf("%w (%d bytes)", ErrTooLong, len(s))
	case !utf8.ValidString(s):
		return ErrInvalidUTF8
	case strings.IndexByte(s, 0) >= 0:
		return ErrNUL
	}
	return nil
}

// ValidateName checks a topic name as used in PUBLISH and the Will topic.
func ValidateName(name string) error {
	if err := checkString(name); err != nil {
		return err
	}
	if strings.ContainsAny(name, "+#") {
		return ErrWildcard
	}
	return nil
}

// ValidateFilter checks a subscription filter: '+' must fill a whole level and
// '#' must be alone in the last level. A shared subscription
// "$share/<group>/<filter>" (MQTT 5 §4.8.2) needs a group name of at least
// one character without '/', '+' or '#', and a valid filter after it.
func ValidateFilter(filter string) error {
	if err := checkString(filter); err != nil {
		return err
	}
	f := filter
	if rest, ok := strings.CutPrefix(f, SharePrefix); ok {
		group, inner, found := strings.Cut(rest, "/")
		if !found || group == "" || inner == "" {
			return fmt.Errorf("shared subscription %q needs $share/<group>/<filter>", filter)
		}
		if strings.ContainsAny(group, "+#") {
			return fmt.Errorf("shared subscription group %q must not contain + or #", group)
		}
		f = inner
	}
	levels := strings.Split(f, "/")
	for i, level := range levels {
		switch {
		case level == "#":
			if i != len(levels)-1 {
				return fmt.Errorf("'#' must be the last level in %q", filter)
			}
		case level == "+":
		case strings.Contains(level, "#"):
			return fmt.Errorf("'#' must occupy a whole level in %q", filter)
		case strings.Contains(level, "+"):
			return fmt.Errorf("'+' must occupy a whole level in %q", filter)
		}
	}
	return nil
}

// The prefixes of shared subscriptions: MQTT 5's "$share/<group>/", and
// EMQX's older "$queue/" (the same as "$share/$queue/" there; other
// brokers, mosquitto among them, take it as an ordinary filter).
const (
	SharePrefix = "$share/"
	QueuePrefix = "$queue/"
)

// Shared splits a shared subscription into its group and the filter that
// messages match: "$share/g/a/#" is ("g", "a/#"), "$queue/a" is
// ("$queue", "a"). ok is false for any other filter.
func Shared(filter string) (group, inner string, ok bool) {
	if rest, found := strings.CutPrefix(filter, SharePrefix); found {
		if group, inner, ok = strings.Cut(rest, "/"); ok && group != "" && inner != "" {
			return group, inner, true
		}
		return "", "", false
	}
	if inner, found := strings.CutPrefix(filter, QueuePrefix); found && inner != "" {
		return "$queue", inner, true
	}
	return "", "", false
}

// IsShared reports whether a filter is a shared subscription ($share/ or
// $queue/): the broker hands each message to one member of the group.
func IsShared(filter string) bool {
	_, _, ok := Shared(filter)
	return ok
}

// HasWildcard reports whether s contains a filter wildcard.
func HasWildcard(s string) bool { return strings.ContainsAny(s, "+#") }

// Match reports whether the topic name matches the filter. A shared
// subscription matches by the filter after its "$share/<group>/" prefix;
// one with EMQX's "$queue/" prefix matches by the filter after it and, as
// brokers without shared subscriptions take it, literally. Wildcards at
// the first level do not match names that start with '$' (§4.7.2).
func Match(filter, name string) bool {
	if rest, ok := strings.CutPrefix(filter, SharePrefix); ok {
		if _, inner, found := strings.Cut(rest, "/"); found {
			filter = inner
		}
	} else if inner, ok := strings.CutPrefix(filter, QueuePrefix); ok && inner != "" {
		return match(inner, name) || match(filter, name)
	}
	return match(filter, name)
}

// match is Match without shared subscriptions.
func match(filter, name string) bool {
	if strings.HasPrefix(name, "$") && (strings.HasPrefix(filter, "+") || strings.HasPrefix(filter, "#")) {
		return false
	}
	for {
		fl, frest, fmore := strings.Cut(filter, "/")
		if fl == "#" {
			return true
		}
		nl, nrest, nmore := strings.Cut(name, "/")
		if fl != "+" && fl != nl {
			return false
		}
		switch {
		case !fmore && !nmore:
			return true
		case !nmore:
			// "a/#" also matches "a".
			return frest == "#"
		case !fmore:
			return false
		}
		filter, name = frest, nrest
	}
}
