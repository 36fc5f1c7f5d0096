package revision

import (
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
)

// randomContent builds a content of up to 8 objectives with up to 4
// indicators and targets for some of 2023–2025, drawn from small pools so
// that two draws share most codes.
func randomContent(r *rand.Rand) Content {
	c := Content{Objectives: []Objective{}}
	for i := range 8 {
		if r.IntN(4) == 0 {
			continue
		}
		code := "O." + strconv.Itoa(i)
		o := Objective{Code: code, Kind: plan.KindOperational, Title: "Titolo " + strconv.Itoa(r.IntN(2)),
			Description: "Descrizione " + strconv.Itoa(r.IntN(2)), Indicators: []Indicator{}}
		for j := range 4 {
			if r.IntN(3) == 0 {
				continue
			}
			in := Indicator{Key: code + "/" + strconv.Itoa(j+1), Name: "Nome " + strconv.Itoa(r.IntN(2)), Targets: []Target{}}
			for y := 2023; y <= 2025; y++ {
				if r.IntN(3) == 0 {
					continue
				}
				v := float64(r.IntN(3))
				in.Targets = append(in.Targets, Target{Year: y, Operator: ">=", Value: &v, Text: ">= " + strconv.Itoa(int(v))})
			}
			o.Indicators = append(o.Indicators, in)
		}
		c.Objectives = append(c.Objectives, o)
	}
	// a different order now and then: positions must come back too
	if r.IntN(2) == 0 && len(c.Objectives) > 1 {
		c.Objectives[0], c.Objectives[1] = c.Objectives[1], c.Objectives[0]
	}
	return c
}

// TestChangesAreReversible: for random pairs of contents, the changes from old
// to new rebuild old exactly from new, and the diff of the rebuilt pair
// reports a difference for every change.
func TestChangesAreReversible(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for n := range 5000 {
		old, neu := randomContent(r), randomContent(r)
		if sameOrderCodes(old) != sameOrderCodes(neu) && sharedOrderDiffers(old, neu) {
			continue // reordering alone is not a change a revision records
		}
		changes := Changes(old, neu, "motivo")
		got, err := Before(neu, changes)
		if err != nil {
			t.Fatalf("case %d: %v", n, err)
		}
		if !reflect.DeepEqual(got, old) {
			t.Fatalf("case %d: rebuilt\n%+v\nwant\n%+v\nchanges %+v", n, got, old, changes)
		}
		if len(changes) > 0 && len(Diff(old, neu, []Step{{Label: "R", Changes: changes}})) == 0 {
			t.Fatalf("case %d: %d changes but no difference", n, len(changes))
		}
	}
}

func sameOrderCodes(c Content) string {
	s := ""
	for _, o := range c.Objectives {
		s += o.Code + ","
	}
	return s
}

// sharedOrderDiffers reports whether the objectives both contents hold come
// in a different order.
func sharedOrderDiffers(a, b Content) bool {
	in := func(c Content, code string) bool { return c.objective(code) != nil }
	var x, y []string
	for _, o := range a.Objectives {
		if in(b, o.Code) {
			x = append(x, o.Code)
		}
	}
	for _, o := range b.Objectives {
		if in(a, o.Code) {
			y = append(y, o.Code)
		}
	}
	return !reflect.DeepEqual(x, y)
}
