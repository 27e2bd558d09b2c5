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

// setMemoryLimit applies memoryLimit unless GOMEMLIMIT is set (the
// runtime has read that one already).
func setMemoryLimit(getenv func(string) string) {
	if getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(memoryLimit)
}
