package cli

import "runtime/debug"

// memoryLimit is the Go runtime's soft memory limit for a chat, unless
// GOMEMLIMIT sets another. What mqttchat keeps is capped (the list's
// messages and bytes, the queues, the inbound size cap), but a burst of
// large messages passes through the heap: without a limit the garbage
// collector lets the heap grow to twice what was live at the last
// collection and keeps that memory from the system long after the burst.
// With it, the collector runs sooner when the heap nears the limit and
// returns what is free. It is soft: a chat that really holds more (a
// 16 MiB payload being recorded and analysed) goes over it rather than
// failing, and the runtime caps the collector's share of the CPU.
const memoryLimit = 96 << 20

// gcPercent is the collector's GOGC for a chat, unless GOGC sets another:
// the heap may grow to five times what was live (not twice) before a
// collection, within memoryLimit. While a flood fills the list from empty,
// the live heap grows from a few MiB to ~60: at GOGC 100 that took a
// collection at every doubling (15 in a flood of 100,000 messages), at 400
// half as many; once the heap nears the limit, the limit decides, as
// before. What it costs is a heap of up to five times the live one under
// the limit (a light chat's heap of 10 MiB may take 50 before collecting).
const gcPercent = 400

// setMemoryLimit applies memoryLimit and gcPercent unless GOMEMLIMIT or
// GOGC are set (the runtime has read those already).
func setMemoryLimit(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(memoryLimit)
}
