package cli

import (
	"context"
	"strings"
	"testing"

	"mqttchat/ui/screen"
)

func TestScreenSearchReadsTheBrokersHistory(t *testing.T) {
	seedHistory(t) // a: sensors/temp 21 (-3h), chat (-1h), sensors/bin (-30m); b: from b
	search := searchHistory([]string{"tcp://a:1883"})
	cases := []struct {
		q    screen.SearchQuery
		want []string
		err  string
	}{
		{screen.SearchQuery{}, []string{"sensors/temp", "chat", "sensors/bin"}, ""},
		{screen.SearchQuery{Topic: "sensors/#"}, []string{"sensors/temp", "sensors/bin"}, ""},
		{screen.SearchQuery{Text: "hi"}, []string{"chat"}, ""},
		{screen.SearchQuery{Since: "90m"}, []string{"chat", "sensors/bin"}, ""},
		{screen.SearchQuery{Until: "100m"}, []string{"sensors/temp"}, ""},
		{screen.SearchQuery{Since: "soon"}, nil, `--since: "soon" is not a time`},
	}
	for _, c := range cases {
		var got []string
		err := search(context.Background(), c.q, func(r screen.Replayed) bool {
			got = append(got, r.Event.Message.Topic)
			return true
		})
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%+v: error %v, want %q", c.q, err, c.err)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%+v: %v %v, want %v", c.q, got, err, c.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := search(ctx, screen.SearchQuery{}, func(screen.Replayed) bool { return true }); err == nil {
		t.Error("a cancelled search says nothing")
	}
}
