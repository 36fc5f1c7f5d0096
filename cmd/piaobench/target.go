package main

import (
	"strconv"
	"strings"
)

// judge says whether a route's results meet its target text: clauses
// separated by commas, all of which must hold, each "[statistic] ≤ number
// unit" with statistic p50, p95, p99, mean or max and unit "ms", or
// "≥ number req/s" (the throughput of the measured run), "≥ number ×static"
// (that throughput as a ratio to the static asset's, the ceiling), or "≤ number
// alloc/indicator" (the engine). A time bound without a statistic is judged
// on p95. Numbers take no thousands separator (the comma ends the clause). A
// run with errors, or without requests, is "invalid": its latencies measure
// something else. why lists the clauses missed, with the measured value.
func judge(target string, x routeResult, e engineInfo) (verdict string, met *bool, why string) {
	if strings.TrimSpace(target) == "" {
		return "", nil, ""
	}
	if x.Requests == 0 || x.Errors > 0 {
		return "invalid", nil, strconv.Itoa(x.Errors) + " errors in " + strconv.Itoa(x.Requests) + " requests"
	}
	var missed []string
	unknown := false
	for clause := range strings.SplitSeq(target, ",") {
		f := strings.Fields(clause)
		stat := ""
		if len(f) == 4 {
			stat, f = f[0], f[1:]
		}
		if len(f) != 3 || (f[0] != "≤" && f[0] != "≥") {
			unknown = true
			continue
		}
		bound, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			unknown = true
			continue
		}
		atLeast := f[0] == "≥"
		var got float64
		var shown string
		switch unit := f[2]; {
		case unit == "ms" && !atLeast:
			if stat == "" {
				stat = "p95"
			}
			v, ok := map[string]float64{"p50": x.P50ms, "p95": x.P95ms, "p99": x.P99ms, "mean": x.MeanMs, "max": x.MaxMs}[stat]
			if !ok {
				unknown = true
				continue
			}
			got, shown = v, stat+" "+ms(v)
		case unit == "req/s" && atLeast && stat == "": // over the whole measured run
			got, shown = x.RPS, strconv.FormatFloat(x.RPS, 'f', 0, 64)+" req/s"
		case unit == "×static" && atLeast && stat == "" && x.RatioToStatic != nil:
			got, shown = *x.RatioToStatic, strconv.FormatFloat(*x.RatioToStatic, 'f', 3, 64)+" ×static"
		case unit == "alloc/indicator" && !atLeast && stat == "" && x.Key == engineKey: // over the whole measured run
			got, shown = e.AllocsPerIndicator, strconv.FormatFloat(e.AllocsPerIndicator, 'f', 5, 64)+" alloc/indicator"
		default:
			unknown = true
			continue
		}
		if (!atLeast && got > bound) || (atLeast && got < bound) {
			rel := " > "
			if atLeast {
				rel = " < "
			}
			missed = append(missed, shown+rel+f[1]+" "+f[2])
		}
	}
	no, yes := false, true
	switch {
	case len(missed) > 0:
		return "missed", &no, strings.Join(missed, ", ")
	case unknown:
		return "unknown", nil, "a clause of the target is not understood by judge"
	}
	return "met", &yes, ""
}
