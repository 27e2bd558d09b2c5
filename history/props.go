package history

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"mqttchat/mqttconn"
)

// A message's MQTT 5 properties are kept in its record as the object
// "properties", between "payloadlen" and "payload", in the form
// mosquitto_sub -F %j prints them (mosquitto 2.x):
//
//	"properties":{"payload-format-indicator":1,"message-expiry-interval":60,
//	  "content-type":"application/json","response-topic":"r/t",
//	  "correlation-data":"req-1","user-properties":[{"k":"v"},{"k":"v2"}],
//	  "topic-alias":3,"subscription-identifier":7}
//
// Each key is there only when the property is (a payload format indicator
// of 0 is its absence). User properties are an array of one-pair objects, so
// that their order and repeated keys are kept. Where we differ from
// mosquitto, it is to stay byte-exact and valid JSON: correlation data that
// is not UTF-8 is "correlation-data_b64" (as "payload_b64"), and several
// subscription identifiers are an array. Properties strings that are not
// valid UTF-8 (a protocol error of the sender) are kept with U+FFFD.
// Placed before the payload, they are read with the head of a long line.

// maxSubscriptionID is the largest subscription identifier (MQTT 5 §3.8.2.1.2).
const maxSubscriptionID = 268435455

// emptyProperties reports whether p holds nothing a record keeps.
func emptyProperties(p *mqttconn.Properties) bool {
	return p == nil || (p.PayloadFormat == 0 && p.MessageExpiry < time.Second && p.ContentType == "" &&
		p.ResponseTopic == "" && len(p.CorrelationData) == 0 && len(p.User) == 0 && p.TopicAlias == 0 &&
		!anySubscriptionID(p.SubscriptionIDs))
}

func anySubscriptionID(ids []int) bool {
	for _, id := range ids {
		if validSubscriptionID(id) {
			return true
		}
	}
	return false
}

func validSubscriptionID(id int) bool { return id >= 1 && id <= maxSubscriptionID }

// propertiesSizeHint is about the length of p's JSON.
func propertiesSizeHint(p *mqttconn.Properties) int {
	if p == nil {
		return 0
	}
	n := 256 + 2*(len(p.ContentType)+len(p.ResponseTopic)) + base64.StdEncoding.EncodedLen(len(p.CorrelationData)) + 16*len(p.SubscriptionIDs)
	for _, u := range p.User {
		n += 8 + 2*(len(u.Key)+len(u.Value))
	}
	return n
}

// appendProperties appends `,"properties":{...}`, or nothing when p holds
// nothing. It allocates nothing for valid UTF-8.
func appendProperties(b []byte, p *mqttconn.Properties) []byte {
	if emptyProperties(p) {
		return b
	}
	b = append(b, `,"properties":{`...)
	first := true
	key := func(name string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `":`...)
	}
	if p.PayloadFormat != 0 {
		key("payload-format-indicator")
		b = strconv.AppendUint(b, uint64(p.PayloadFormat), 10)
	}
	if s := p.MessageExpiry / time.Second; s > 0 {
		key("message-expiry-interval")
		b = strconv.AppendUint(b, uint64(min(s, 0xFFFFFFFF)), 10)
	}
	if p.ContentType != "" {
		key("content-type")
		b = appendValidString(b, p.ContentType)
	}
	if p.ResponseTopic != "" {
		key("response-topic")
		b = appendValidString(b, p.ResponseTopic)
	}
	if len(p.CorrelationData) > 0 {
		if utf8.Valid(p.CorrelationData) {
			key("correlation-data")
			b = appendJSONString(b, unsafe.String(unsafe.SliceData(p.CorrelationData), len(p.CorrelationData)))
		} else {
			key("correlation-data_b64")
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, p.CorrelationData)
			b = append(b, '"')
		}
	}
	if len(p.User) > 0 {
		key("user-properties")
		b = append(b, '[')
		for i, u := range p.User {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			b = appendValidString(b, u.Key)
			b = append(b, ':')
			b = appendValidString(b, u.Value)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if p.TopicAlias != 0 {
		key("topic-alias")
		b = strconv.AppendUint(b, uint64(p.TopicAlias), 10)
	}
	if anySubscriptionID(p.SubscriptionIDs) {
		key("subscription-identifier")
		n := 0
		for _, id := range p.SubscriptionIDs {
			if validSubscriptionID(id) {
				n++
			}
		}
		if n > 1 {
			b = append(b, '[')
		}
		sep := false
		for _, id := range p.SubscriptionIDs {
			if validSubscriptionID(id) {
				if sep {
					b = append(b, ',')
				}
				sep = true
				b = strconv.AppendInt(b, int64(id), 10)
			}
		}
		if n > 1 {
			b = append(b, ']')
		}
	}
	return append(b, '}')
}

// appendValidString appends s as a JSON string, invalid UTF-8 as U+FFFD.
func appendValidString(b []byte, s string) []byte {
	return appendJSONString(b, strings.ToValidUTF8(s, "\uFFFD"))
}

// wireProperties is the JSON form of the properties, for decoding.
type wireProperties struct {
	PayloadFormat   uint8              `json:"payload-format-indicator"`
	MessageExpiry   uint32             `json:"message-expiry-interval"`
	ContentType     string             `json:"content-type"`
	ResponseTopic   string             `json:"response-topic"`
	CorrelationData *string            `json:"correlation-data"`
	CorrelationB64  *string            `json:"correlation-data_b64"`
	User            []json.RawMessage  `json:"user-properties"`
	TopicAlias      uint16             `json:"topic-alias"`
	SubscriptionIDs subscriptionIDList `json:"subscription-identifier"`
}

// subscriptionIDList reads one subscription identifier or an array of them.
type subscriptionIDList []int

// UnmarshalJSON implements json.Unmarshaler.
func (l *subscriptionIDList) UnmarshalJSON(data []byte) error {
	var ids []uint32
	if len(data) > 0 && data[0] == '[' {
		if err := json.Unmarshal(data, &ids); err != nil {
			return err
		}
	} else {
		var id uint32
		if err := json.Unmarshal(data, &id); err != nil {
			return err
		}
		ids = []uint32{id}
	}
	*l = nil
	for _, id := range ids {
		if id < 1 || id > maxSubscriptionID {
			return fmt.Errorf("subscription identifier %d out of range", id)
		}
		*l = append(*l, int(id))
	}
	return nil
}

// properties turns the wire form into the message's properties; nil when
// it holds nothing.
func (w *wireProperties) properties() (*mqttconn.Properties, error) {
	p := &mqttconn.Properties{PayloadFormat: w.PayloadFormat, MessageExpiry: time.Duration(w.MessageExpiry) * time.Second,
		ContentType: w.ContentType, ResponseTopic: w.ResponseTopic, TopicAlias: w.TopicAlias, SubscriptionIDs: w.SubscriptionIDs}
	switch {
	case w.CorrelationData != nil:
		p.CorrelationData = []byte(*w.CorrelationData)
	case w.CorrelationB64 != nil:
		c, err := base64.StdEncoding.DecodeString(*w.CorrelationB64)
		if err != nil {
			return nil, fmt.Errorf("correlation-data_b64: %v", err)
		}
		p.CorrelationData = c
	}
	for _, raw := range w.User {
		var pair map[string]string
		if err := json.Unmarshal(raw, &pair); err != nil {
			return nil, fmt.Errorf("user-properties: %v", err)
		}
		if len(pair) != 1 {
			return nil, fmt.Errorf("user-properties: %d pairs in one object", len(pair))
		}
		for k, v := range pair {
			p.User = append(p.User, mqttconn.UserProperty{Key: k, Value: v})
		}
	}
	return tidyProperties(p), nil
}

// tidyProperties is p with empty lists as nil, or nil when it holds
// nothing: both decoders read a line to the same value.
func tidyProperties(p *mqttconn.Properties) *mqttconn.Properties {
	if emptyProperties(p) {
		return nil
	}
	if len(p.CorrelationData) == 0 {
		p.CorrelationData = nil
	}
	if len(p.User) == 0 {
		p.User = nil
	}
	if len(p.SubscriptionIDs) == 0 {
		p.SubscriptionIDs = nil
	}
	return p
}
