package mqttconn

import (
	"context"
	"errors"
	"testing"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// TestConnectReadsTheToken: through the paho seam, a refusal's return code
// becomes a RefusedError, a network error stays itself, and paho claiming
// success without ever opening our connection is not taken for connected.
func TestConnectReadsTheToken(t *testing.T) {
	netErr := errors.New("network down")
	tests := []struct {
		name string
		code byte
		err  error
		want func(error) bool
	}{
		{"refused", CodeBadCredentials, errors.New("paho: bad user name"), func(err error) bool {
			var r *RefusedError
			return errors.As(err, &r) && r.Code == CodeBadCredentials
		}},
		{"network", 0, netErr, func(err error) bool { return errors.Is(err, netErr) }},
		{"no connection of ours", 0, nil, func(err error) bool { return err != nil && err.Error() == "connected without a connection" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakePaho{connect: func() paho.Token {
				tok := newFakeToken()
				tok.code = tt.code
				return tok.complete(tt.err)
			}}
			c, err := newClient(Config{Server: "tcp://127.0.0.1:1"}, func(*paho.ClientOptions) paho.Client { return f })
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = c.connect(context.Background(), c.cfg.Server, true)
			if !tt.want(err) {
				t.Errorf("connect: %v", err)
			}
		})
	}
}
