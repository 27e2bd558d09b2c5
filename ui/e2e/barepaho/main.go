// Command barepaho is the benchmarks' reference subscriber: a plain paho
// client that counts messages and does nothing else. It subscribes to a
// filter, prints "ready", and "done" once it has counted n messages, then exits
// (acknowledging QoS 1/2 as paho does by default).
//
//	barepaho -url tcp://127.0.0.1:1883 -t 'flood/#' -n 100000 [-q 1 -i id -c]
package main

import (
	"flag"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

func main() {
	url := flag.String("url", "tcp://127.0.0.1:1883", "broker")
	filter := flag.String("t", "#", "filter")
	n := flag.Int64("n", 1, "messages to count before exiting (0: exit once subscribed)")
	qos := flag.Int("q", 0, "QoS of the subscription")
	id := flag.String("i", "barepaho", "client id")
	persistent := flag.Bool("c", false, "persistent session (clean session off)")
	flag.Parse()
	var count atomic.Int64
	done := make(chan struct{})
	opts := paho.NewClientOptions().AddBroker(*url).SetClientID(*id).SetProtocolVersion(4).
		SetCleanSession(!*persistent).SetOrderMatters(true).
		SetDefaultPublishHandler(func(paho.Client, paho.Message) {
			if count.Add(1) == *n {
				close(done)
			}
		})
	c := paho.NewClient(opts)
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		fmt.Fprintln(os.Stderr, "barepaho: connect:", tok.Error())
		os.Exit(1)
	}
	if tok := c.Subscribe(*filter, byte(*qos), nil); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		fmt.Fprintln(os.Stderr, "barepaho: subscribe:", tok.Error())
		os.Exit(1)
	}
	fmt.Println("ready")
	if *n > 0 {
		<-done
		fmt.Println("done")
	}
	c.Disconnect(1000) // time for the last acknowledgements to go out
}
