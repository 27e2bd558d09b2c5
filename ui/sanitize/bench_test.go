package sanitize

import "testing"

// BenchmarkDisplay is the cost of one row's text in each mode: the width
// pass runs only on text that is not plain ASCII.
func BenchmarkDisplay(b *testing.B) {
	for _, in := range []struct{ name, s string }{
		{"ascii", `{"temp":21.5,"unit":"C","device":"sensor-42"}`},
		{"cjk+emoji", `温度 21.5 °C 👍🏽 ok ❤️ 👨‍👩‍👧 🇩🇪 done`},
	} {
		for _, m := range []Mode{Grapheme, Codepoint, ASCII} {
			b.Run(in.name+"/"+m.String(), func(b *testing.B) {
				for b.Loop() {
					_ = Display(in.s, m)
				}
			})
		}
	}
}
