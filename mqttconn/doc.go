// Package mqttconn owns the connection to an MQTT broker. It connects,
// subscribes, re-subscribes after every reconnect, publishes through an outbox
// that knows which connection carried each message, and turns everything the
// broker does into Events delivered through a bounded Queue.
//
// It knows nothing of the user interface: paho's callbacks never block, they
// push into the Queue, and whoever displays the events drains it in batches.
package mqttconn
