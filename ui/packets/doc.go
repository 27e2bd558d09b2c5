// Package packets is the packets view: every MQTT control packet sent and
// received on the connection, in order, with its time (ms), direction and
// fields in words (mqttconn decodes them on the wire). Selecting a packet
// marks the others of its exchange (a QoS 2 PUBLISH with its PUBREC, PUBREL
// and PUBCOMP; SUBSCRIBE and SUBACK; PINGREQ and PINGRESP; CONNECT and
// CONNACK) and shows the round trip; a filter keeps packet types and a
// packet id.
//
// Packets come in through a Feed: mqttconn's OnPacket pushes into it
// without ever blocking (a bounded buffer; what does not fit is counted as
// dropped and shown), and the screen drains it in batches. The view keeps
// a window capped by count and by bytes; older rows are let go and
// counted.
//
// Model is a part of the screen: Update, View, SetSize, Keys.
package packets
