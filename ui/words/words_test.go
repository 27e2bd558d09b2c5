package words

import (
	"testing"
	"time"
)

func TestWords(t *testing.T) {
	tests := map[string]string{
		Plural(1, "message", "messages"): "message",
		Plural(0, "message", "messages"): "messages",
		Ago(3 * time.Second):             "3s",
		Ago(4 * time.Minute):             "4m",
		Ago(47 * time.Hour):              "47h",
		Ago(72 * time.Hour):              "3d",
		Size(512):                        "512 B",
		Size(2560):                       "2.5 KiB",
		Size(3 << 20):                    "3.0 MiB",
		Thousands(65536):                 "65,536",
		Thousands(-1234567):              "-1,234,567",
		Thousands(999):                   "999",
	}
	for got, want := range tests {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
