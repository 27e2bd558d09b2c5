package cli

import (
	"slices"
	"testing"
)

func TestClosersCloseInReverseOrderOnce(t *testing.T) {
	cases := []struct {
		opened int
		want   []int
	}{
		{0, nil},
		{1, []int{0}},
		{4, []int{3, 2, 1, 0}},
	}
	for _, tc := range cases {
		var got []int
		var c closers
		for i := range tc.opened {
			c.push(func() { got = append(got, i) })
		}
		c.closeAll()
		c.closeAll() // a second call closes nothing again
		if !slices.Equal(got, tc.want) {
			t.Errorf("%d opened: closed %v, want %v", tc.opened, got, tc.want)
		}
	}
}
