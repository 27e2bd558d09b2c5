// Package e2e drives the built mqttchat binary in a pseudo-terminal, reads
// its screen through a VT emulator, and talks to it through real brokers:
// the flows a person does, from start to quit.
package e2e
