package mqttconn

import "regexp"

var flagRE = regexp.MustCompile(`(^|\s)--?[a-z]`)

func containsFlag(s string) bool { return flagRE.MatchString(s) }
