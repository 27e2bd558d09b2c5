// Package mqttconn owns the connection to an MQTT broker. It connects,
// subscribes, re-subscribes after every reconnect, publishes through an
// outbox, and turns everything the broker does into Events delivered
// through a bounded Queue.
//
// It knows nothing of the user interface: paho's callbacks never block, they
// push into the Queue, and whoever displays the events drains it in batches.
// Errors carry a Reason (and a Config.Hint from the user interface) instead
// of naming flags or keys.
//
// # The wire
//
// We open the network connection ourselves (TCP, TLS, WebSocket through
// paho's NewWebsocket) and hand paho a wrapper, wireConn, that sees every
// packet both ways: its fixed header, packet id and return codes, never
// copying a payload; Config.OnPacket gets each one (a packets view). From
// the wire come the truths paho does not tell: the CONNACK's return code
// (paho takes a reserved code, 6 and up, for success) and session-present
// flag, and the end of the connection (paho skips its lost handler while it
// still counts as connecting). An inbound PUBLISH larger than
// Config.MaxIncoming is read past before paho allocates it, acknowledged (so
// the broker does not send it again after every reconnect) and reported as
// KindTooLarge. A malformed PUBLISH (QoS 3; a topic, packet id or
// properties that do not fit; over MQTT 5 properties paho.golang cannot
// read) is found before the library reads it and ends the connection as the
// broker's ProtocolError, never with a normal DISCONNECT (the Will stays).
//
// # One owner of the packets in flight (MQTT 3.1.1 §4.4, MQTT-4.4.0-1)
//
// paho v1 cannot own the session: its Store never keeps the outgoing
// PUBREL, cannot tell PUBACK from PUBCOMP, resumes on every connect whatever
// the session-present flag says, and with a kept session it never completes
// the tokens of a lost connection, so a re-send gets a new packet id. So
// paho keeps only CONNECT, keep-alive, DISCONNECT and inbound messages (with
// their acks), and the outbox owns every packet id we send:
//
//   - One pump per connection writes PUBLISH, PUBREL, SUBSCRIBE and
//     UNSUBSCRIBE onto the wrapper, whole and between paho's packets; the
//     wrapper hands PUBACK, PUBREC, PUBCOMP, SUBACK and UNSUBACK to us,
//     never to paho.
//   - At most Config.MaxInFlight QoS 1/2 messages have a packet id at once
//     (mosquitto takes 20 and, speaking 3.1.1, silently drops the excess);
//     the rest wait in the outbox, in order. A message keeps its id until
//     settled, so the window counts what the broker still holds from
//     earlier connections of the session.
//   - After a reconnect with the session present, a message in flight goes
//     again with its packet id and DUP=1, or, once its PUBREC came, with
//     PUBREL, never a new PUBLISH. An ack may rightly come on a later
//     connection. Without a session (clean session, or the broker lost it)
//     the ids are let go and the messages are sent again as new.
//   - With a disk outbox (an InFlightStore) each message's packet id and
//     PUBREC state are saved as they change, and a restart resumes them
//     (Config.RestoredInFlight).
//   - PUBCOMP, or PUBACK for QoS 1, settles a message as StateAcked; a QoS 2
//     message answered with PUBACK settles as StateAckedAsQoS1.
//   - Inbound QoS 2: each received packet id is held until its PUBREL; a
//     PUBLISH with an id still held is the same message again: it is
//     acknowledged and not delivered twice (kept across reconnects of a
//     session, not across restarts of the process).
//
// # MQTT 5
//
// With Config.ProtocolVersion 5 the connection speaks MQTT 5 through
// eclipse/paho.golang's low-level paho package, one paho.Client per
// connection on a connection we dial and wrap, under the same reconnect
// loop. The delivery design is the same: paho.golang keeps CONNECT,
// keep-alive, DISCONNECT and inbound messages (acknowledged by hand, after
// the sink), and the outbox and its pump own every packet id we send.
// paho.golang's own session state is not used for our messages: it would
// be a second owner, whose asynchronous send reports nothing, whose
// synchronous send gives up while the message stays queued, which a
// session-present of 0 wipes silently, and which takes a refused QoS 2
// (PUBREC 0x80 and up) for success. So on MQTT 5:
//
//   - PUBLISH carries the message's Properties, and the user property
//     NameProperty when Config.Name is set; SUBSCRIBE and UNSUBSCRIBE carry
//     no properties, and the subscription options are the QoS alone.
//   - The wire reads our acks with their reason codes and reason strings: a
//     PUBACK or PUBREC of 0x80 and up fails the message with a
//     ReasonCodeError (no PUBREL follows a refused PUBREC), a SUBACK of 0x80
//     and up fails the subscription with ErrRefused and the reason.
//   - A DISCONNECT from the broker ends the connection with its reason;
//     "session taken over" stops the retries at once (ReasonTakeover).
//   - At most min(Config.MaxInFlight, the broker's Receive Maximum) QoS 1/2
//     messages are in flight; a message larger than the broker's Maximum
//     Packet Size is refused by Publish while connected.
//   - Topic Alias Maximum stays 0: the broker sends every topic in full.
//   - paho.golang acknowledges received messages in batches, on the
//     connection that received them only: a recorded QoS 2 message sent
//     again on a later connection is answered with PUBREC by the wire.
//   - With PersistentSession, Clean Start is 0 and the session expiry is
//     Config.SessionExpiry (never, when 0).
//
// # Topics that are not UTF-8 (MQTT-1.5.3-1)
//
// The specification says a client closes the connection when a broker
// sends a topic that is not valid UTF-8. We do not: a broker that sent it
// once sends it again (a retained message, or a QoS 1/2 message of a kept
// session) after every reconnect, so closing would lose the connection for
// good, and the user would never see why. The message is delivered with
// its topic's exact bytes; the screen shows the bad bytes as visible hex
// (ui/sanitize) and the history keeps them byte-exact as topic_b64, so its
// lines stay valid UTF-8 JSON. Nothing we send can carry such a topic:
// publish topics and filters are checked before they go out.
//
// Quitting never waits on the broker longer than closeWait (250 ms).
package mqttconn
