package mqttconn

import (
	"regexp"
	"runtime"
)

func runtimeGosched() { runtime.Gosched() }

var flagRE = regexp.MustCompile(`(^|\s)--?[a-z]`)

func containsFlag(s string) bool { return flagRE.MatchString(s) }
