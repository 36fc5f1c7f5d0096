package store

import (
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/model"
)

func TestCurrentPeriod(t *testing.T) {
	t.Parallel()
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	closed := d(2024, 1, 31)
	periods := func(closedUpTo int) []model.Period {
		var out []model.Period
		for y := 2023; y <= 2025; y++ {
			out = append(out, model.Period{Year: y, Kind: "midyear", EndsOn: d(y, 6, 30)}, model.Period{Year: y, Kind: "final", EndsOn: d(y, 12, 31)})
		}
		for i := 0; i < closedUpTo; i++ {
			out[i].ClosedAt = &closed
		}
		return out
	}
	ref := func(p model.Period) string { return p.EndsOn.Format("02/01/2006") }
	for _, c := range []struct {
		name   string
		closed int
		today  time.Time
		want   string
	}{
		{"open period containing today (first half)", 2, d(2024, 3, 15), "30/06/2024"},
		{"its last day", 2, d(2024, 6, 30), "30/06/2024"},
		{"second half: the final period", 2, d(2024, 7, 1), "31/12/2024"},
		{"the first day of the year", 2, d(2024, 1, 1), "30/06/2024"},
		{"the period containing today is closed: the latest open one", 4, d(2024, 3, 15), "31/12/2025"},
		{"today after every period: the latest open one", 2, d(2027, 5, 1), "31/12/2025"},
		{"every period closed: the latest one", 6, d(2024, 3, 15), "31/12/2025"},
		{"before the plan: the latest open one", 0, d(2020, 1, 1), "31/12/2025"},
		{"a time of day does not matter", 2, time.Date(2024, 6, 30, 23, 59, 0, 0, time.UTC), "30/06/2024"},
	} {
		got, ok := CurrentPeriod(periods(c.closed), c.today)
		if !ok || ref(got) != c.want {
			t.Errorf("%s: got %s (%v), want %s", c.name, ref(got), ok, c.want)
		}
	}
	if _, ok := CurrentPeriod(nil, d(2024, 1, 1)); ok {
		t.Error("no periods: ok")
	}
}
