package cli

import "mqttchat/mqttconn"

// connHint is the command line's advice for a reason mqttconn reports: the
// flags that may cure it. mqttconn names no flags; it adds this text in
// parentheses after its own.
func connHint(r mqttconn.Reason) string {
	switch r {
	case mqttconn.ReasonTLSUnknownCA:
		return "give its CA with --cafile, or skip the check with --insecure"
	case mqttconn.ReasonTLSNotTLS:
		return "use mqtt:// or -p for a plain port"
	case mqttconn.ReasonTLSRefused:
		return "does it want a client certificate? --cert/--key; or another --tls-version"
	case mqttconn.ReasonTLSClientCert:
		return "it wants a client certificate it accepts: --cert/--key"
	case mqttconn.ReasonTLSClosed:
		return "does it want a client certificate? --cert/--key"
	case mqttconn.ReasonTakeover:
		return "choose another with -i"
	case mqttconn.ReasonNotConnected:
		return "use QoS 1 or 2 to send when the connection returns"
	}
	return ""
}
