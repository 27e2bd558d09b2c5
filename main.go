// Command mqttchat is a terminal, chat-style MQTT client: subscribe to topics,
// watch messages scroll in, and publish with a chosen QoS and retain flag.
package main

import (
	"os"

	"mqttchat/ui/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
