package mqttconn

import "time"

// NameProperty is the user property that carries a sender's name
// (Config.Name) on every message mqttchat sends over MQTT 5.
const NameProperty = "mqttchat-name"

// Properties are the MQTT 5 properties of a message, protocol-neutral: a
// message received over MQTT 3.1.1 has none (Message.Properties is nil).
type Properties struct {
	PayloadFormat   byte          // 1: the payload is UTF-8 text; 0: unspecified bytes
	ContentType     string        // a MIME type, e.g. application/json
	ResponseTopic   string        // where a reply goes
	CorrelationData []byte        // what a reply carries back to find its request
	MessageExpiry   time.Duration // lifetime left when it arrived, in whole seconds; 0: none
	User            []UserProperty
	SubscriptionIDs []int // the subscription identifiers that matched (received only)
	// TopicAlias, received only: the topic alias the message came with;
	// Message.Topic is then the topic it stands for on that connection.
	TopicAlias uint16
}

// UserProperty is one user property: keys may repeat, order is kept.
type UserProperty struct {
	Key, Value string
}

// Get is the value of the first user property named key.
func (p *Properties) Get(key string) (string, bool) {
	if p == nil {
		return "", false
	}
	for _, u := range p.User {
		if u.Key == key {
			return u.Value, true
		}
	}
	return "", false
}

// Sender is the sender's name a message carries (NameProperty), or "".
func (m Message) Sender() string {
	v, _ := m.Properties.Get(NameProperty)
	return v
}
