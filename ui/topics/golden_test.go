package topics

import (
	"fmt"
	"testing"

	goldenfile "mqttchat/ui/golden"
)

// TestTreeGolden draws the tree in each state at 40, 80 and 120 columns.
func TestTreeGolden(t *testing.T) {
	states := []struct {
		name  string
		steps func(Model) Model
	}{
		{"folded", func(m Model) Model { return m }},
		{"expanded", func(m Model) Model { return keys(m, "home", "e", "down", "down", "down", "e", "end", "e") }},
		{"refolded", func(m Model) Model {
			return keys(m, "home", "e", "down", "down", "down", "e", "end", "e", "down", "c", "up", "up", "up", "left")
		}},
		{"search_filter", func(m Model) Model { return keys(typeText(keys(m, "/"), "+/+/temp"), "enter") }},
		{"search_typing", func(m Model) Model { return typeText(keys(m, "/"), "speed") }},
		{"search_bad", func(m Model) Model { return typeText(keys(m, "/"), "home/#/x") }},
		{"values", func(m Model) Model {
			m.SetSearch("home/kitchen/temp")
			return keys(m, "end", "v")
		}},
		{"values_json", func(m Model) Model {
			m.Add("factory/line1/speed", []byte(`{"rpm":1250,"unit":"rpm","alarm":"hot"}`), false, 0, sec(9.5))
			m.SetSearch("factory/line1/speed")
			return keys(m, "end", "v")
		}},
	}
	for _, s := range states {
		for _, w := range []int{40, 80, 120} {
			t.Run(fmt.Sprintf("%s_%d", s.name, w), func(t *testing.T) {
				m := s.steps(newModel(w, 18, fleet, 10))
				goldenfile.Assert(t, fmt.Sprintf("tree_%s_%d", s.name, w), plain(m))
			})
		}
	}
}

// TestPlotGolden plots a topic's numbers with a unit, then a JSON field.
func TestPlotGolden(t *testing.T) {
	var msgs []msg
	for i := 0; i < 30; i++ {
		v := 20 + float64(i%10)/2
		if i >= 20 {
			v = 25 - float64(i-20)/3
		}
		msgs = append(msgs, msg{"lab/temp", fmt.Sprintf("%.1f °C", v), false, float64(i * 2)})
		msgs = append(msgs, msg{"lab/env", fmt.Sprintf(`{"rh":%d,"co2":%d}`, 40+i%7, 400+i*3), false, float64(i * 2)})
	}
	for _, w := range []int{40, 80, 120} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			m := New(Settings{RecentValues: 64}, nil, DefaultStyles())
			m.SetSize(w, 14)
			for _, x := range msgs {
				m.Add(x.topic, []byte(x.payload), x.retained, 0, sec(x.at))
			}
			m.Tick(sec(60))
			m.SetSearch("lab/temp")
			m = keys(m, "end", "p", "left", "left", "left")
			goldenfile.Assert(t, fmt.Sprintf("plot_unit_%d", w), plain(m))
			m = keys(m, "esc")
			m.SetSearch("lab/env")
			m = keys(m, "end", "p")
			goldenfile.Assert(t, fmt.Sprintf("plot_field_%d", w), plain(m))
			m = keys(m, "f")
			goldenfile.Assert(t, fmt.Sprintf("plot_field2_%d", w), plain(m))
		})
	}
}
