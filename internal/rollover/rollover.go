// Package rollover builds next cycle's plan from the current one: the same
// structure, objectives and indicators, the targets of the years the new plan
// covers, and the final actuals of the year just ended as baselines.
package rollover

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/scores"
	"github.com/piao-performance/piao/internal/store"
)

// Next says what the new plan is called and which years it covers.
type Next struct {
	Slug, Title        string
	StartYear, EndYear int
}

// Result says what the roll-over carried.
type Result struct {
	Doc          *plan.Document
	BaselineYear int // the year whose final actuals became baselines (0: none)
	Baselines    int
	Targets      int
}

// Build returns the document of the next plan; the caller loads it.
func Build(ctx context.Context, st *store.Store, h model.PlanHeader, n Next) (Result, error) {
	if n.StartYear <= h.StartYear || n.EndYear < n.StartYear || n.StartYear > h.EndYear+1 {
		return Result{}, fmt.Errorf("the next plan must start after %d and no later than %d", h.StartYear, h.EndYear+1)
	}
	doc, err := st.ExportPlan(ctx, h.EnteSlug, h.Slug)
	if err != nil {
		return Result{}, err
	}
	res := Result{Doc: doc}
	rules := doc.State.Rules
	doc.State = &plan.State{Rules: rules}
	doc.Plan = plan.Info{Slug: n.Slug, Title: n.Title, StartYear: n.StartYear, EndYear: n.EndYear,
		Revision: plan.Revision{Label: "Prima versione",
			Reason: "Piano creato per scorrimento da " + h.Title + ": obiettivi, indicatori e target degli anni comuni ripresi, consuntivi dell'anno precedente come baseline."}}
	doc.SourceTitle = h.Title + " (scorrimento)"
	doc.Notes = nil // they describe the transcription of the earlier document

	actuals, err := finalActuals(ctx, st, h, n.StartYear-1)
	if err != nil {
		return Result{}, err
	}
	if actuals != nil {
		res.BaselineYear = n.StartYear - 1
	}
	for i := range doc.Objectives {
		for j := range doc.Objectives[i].Indicators {
			in := &doc.Objectives[i].Indicators[j]
			in.Targets = slices.DeleteFunc(in.Targets, func(t plan.Target) bool { return t.Year < n.StartYear || t.Year > n.EndYear })
			res.Targets += len(in.Targets)
			if v, ok := actuals[in.Key]; ok {
				b := plan.Baseline{Year: res.BaselineYear, Value: &v, Text: itfmt.Value(v, in.Unit),
					Footnote: "Consuntivo " + strconv.Itoa(res.BaselineYear) + " (misurazione approvata)"}
				in.Baselines = slices.DeleteFunc(in.Baselines, func(x plan.Baseline) bool { return x.Year == b.Year })
				in.Baselines = append(in.Baselines, b)
				res.Baselines++
			}
		}
	}
	return res, nil
}

// finalActuals returns the approved final actuals of a year by indicator key,
// computed and derived ones included; nil when the year has no final period.
func finalActuals(ctx context.Context, st *store.Store, h model.PlanHeader, year int) (map[string]float64, error) {
	p, err := st.Period(ctx, h.ID, year, "final")
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	card, err := scores.Load(ctx, st, h, p, model.Approved)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for i, in := range card.Model.Indicators {
		if r := card.Result.Indicators[i]; r.HasActual {
			out[in.Key] = r.Actual
		}
	}
	return out, nil
}
