package itfmt

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	cases := []struct{ got, want string }{
		{Number(1234.5, 2), "1.234,5"},
		{Number(1234567, 2), "1.234.567"},
		{Number(-19.91, 2), "−19,91"},
		{Number(0.3, 2), "0,3"},
		{Number(-0.0, 2), "0"},
		{Number(999, 2), "999"},
		{Value(61.24, "percent"), "61,24%"},
		{Value(99.666, "percent"), "99,67%"},
		{Value(1, "yes_no"), "SI"},
		{Value(0, "yes_no"), "NO"},
		{Value(-19.91, "days"), "−19,91"},
		{Value(1234.5, "euro"), "1.234,50 €"},
		{Optional(nil, "count"), "n.d."},
		{Target(">=", 5, "count"), "≥ 5"},
		{Target("<=", 0, "days"), "≤ 0"},
		{Target(">=", 0.7, "ratio"), "≥ 0,7"},
		{Target("yes", 1, "yes_no"), "SI"},
		{Date(time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)), "31/12/2023"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}
