package mqttconn

import (
	"errors"
	"sync"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// fakeToken is a paho token the test completes by hand.
type fakeToken struct {
	done    chan struct{}
	once    sync.Once
	err     error
	code    byte
	session bool
	result  map[string]byte
}

func newFakeToken() *fakeToken { return &fakeToken{done: make(chan struct{})} }

// complete finishes the token with err.
func (t *fakeToken) complete(err error) *fakeToken {
	t.once.Do(func() { t.err = err; close(t.done) })
	return t
}

func (t *fakeToken) Wait() bool { <-t.done; return true }
func (t *fakeToken) WaitTimeout(d time.Duration) bool {
	select {
	case <-t.done:
		return true
	case <-time.After(d):
		return false
	}
}
func (t *fakeToken) Done() <-chan struct{}   { return t.done }
func (t *fakeToken) Error() error            { <-t.done; return t.err }
func (t *fakeToken) ReturnCode() byte        { return t.code }
func (t *fakeToken) SessionPresent() bool    { return t.session }
func (t *fakeToken) Result() map[string]byte { return t.result }

// fakePaho is a paho client that records what it is asked and answers
// with tokens the test completes.
type fakePaho struct {
	connect func() paho.Token // the answer to Connect; accepted at once when nil
}

var _ paho.Client = (*fakePaho)(nil)

func (f *fakePaho) IsConnected() bool      { return true }
func (f *fakePaho) IsConnectionOpen() bool { return true }
func (f *fakePaho) Connect() paho.Token {
	if f.connect != nil {
		return f.connect()
	}
	return newFakeToken().complete(nil)
}
func (f *fakePaho) Disconnect(uint) {}
func (f *fakePaho) Publish(string, byte, bool, any) paho.Token {
	return newFakeToken().complete(errors.New("fakePaho: publish is ours"))
}
func (f *fakePaho) Subscribe(string, byte, paho.MessageHandler) paho.Token {
	t := newFakeToken()
	t.result = map[string]byte{"x": 1}
	return t.complete(nil)
}
func (f *fakePaho) SubscribeMultiple(map[string]byte, paho.MessageHandler) paho.Token {
	return newFakeToken().complete(nil)
}
func (f *fakePaho) Unsubscribe(...string) paho.Token        { return newFakeToken().complete(nil) }
func (f *fakePaho) AddRoute(string, paho.MessageHandler)    {}
func (f *fakePaho) OptionsReader() paho.ClientOptionsReader { return paho.ClientOptionsReader{} }
