package main

import (
	"fmt"
	"slices"
	"testing"

	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/synth"
)

func TestScratchList(t *testing.T) {
	ref, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ref.Objectives {
		for _, in := range o.Indicators {
			if slices.Contains(o.Owners, "dir-prm") {
				fmt.Println(in.Key, o.Owners, in.Formula, in.Unit, len(in.Targets))
			}
		}
	}
	cnt := map[string]int{}
	for _, r := range synth.Measurements(ref, 1) {
		cnt[fmt.Sprint(r.Year, r.Period)]++
	}
	fmt.Println(cnt, ref.Plan.StartYear, ref.Plan.EndYear)
}
