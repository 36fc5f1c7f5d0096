package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
	"github.com/piao-performance/piao/internal/workflow"
)

type fixture struct {
	st     *store.Store
	h      model.PlanHeader
	period model.Period
	ind    model.EntryIndicator // O.3.3.1/1 mediations, direct count, owned by dir-prm
	ratio  model.EntryIndicator // O.3.3.1/6 certificates, ratio
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	ref := testfix.Reference(t)
	st, h := ref.Store, ref.Plan
	p, err := st.Period(ctx, h.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	ind, err := st.EntryIndicator(ctx, h, "O.3.3.1/1", 2023)
	if err != nil {
		t.Fatal(err)
	}
	ratio, err := st.EntryIndicator(ctx, h, "O.3.3.1/6", 2023)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{st: st, h: h, period: p, ind: ind, ratio: ratio}
}

var (
	referente = auth.User{Username: "referente.promozione", Role: auth.Referente}
	dirigente = auth.User{Username: "dir.promozione", Role: auth.Dirigente}
	sg        = auth.User{Username: "segretario", Role: auth.Segretario}
)

func val(v float64) *float64 { return &v }

func TestEntryWorkflow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	// referente saves a draft
	e, err := f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: f.period, Value: val(150), Version: 0}, referente)
	if err != nil || e.Status != workflow.Draft || e.Version != 1 {
		t.Fatalf("draft: %+v %v", e, err)
	}
	// dirigente corrects and submits in one save
	e, err = f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: f.period, Value: val(183), Version: 1, Submit: true}, dirigente)
	if err != nil || e.Status != workflow.Submitted || e.Version != 2 {
		t.Fatalf("submit: %+v %v", e, err)
	}
	// a submitted entry cannot be edited
	_, err = f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: f.period, Value: val(1), Version: 2}, referente)
	var locked *store.LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("edit submitted: %v", err)
	}
	// the SG returns it with a comment (a comment is required)
	if _, err := f.st.Transition(ctx, f.h, f.ind, f.period, 2, workflow.Return, "", sg); err == nil {
		t.Fatal("return without a comment")
	}
	e, err = f.st.Transition(ctx, f.h, f.ind, f.period, 2, workflow.Return, "Allegare il verbale", sg)
	if err != nil || e.Status != workflow.Returned || e.ReviewComment != "Allegare il verbale" {
		t.Fatalf("return: %+v %v", e, err)
	}
	// back in the worklist as "restituita"; corrected and submitted again, then approved
	items, err := f.st.Worklist(ctx, f.h, f.period, f.ind.Owners[0])
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range items {
		if w.Key == f.ind.Key {
			found = w.Entry.Status == workflow.Returned
		}
	}
	if !found {
		t.Fatal("returned entry not in the owner's worklist")
	}
	e, err = f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: f.period, Value: val(183), Version: 3, Submit: true,
		Attachments: []store.NewAttachment{{Filename: "verbale.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7 test")}}}, dirigente)
	if err != nil {
		t.Fatal(err)
	}
	e, err = f.st.Transition(ctx, f.h, f.ind, f.period, e.Version, workflow.Approve, "", sg)
	if err != nil || e.Status != workflow.Approved {
		t.Fatalf("approve: %+v %v", e, err)
	}
	// an approved entry changes only after a reopen with a reason
	if _, err := f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: f.period, Value: val(1), Version: e.Version}, dirigente); !errors.As(err, &locked) {
		t.Fatalf("edit approved: %v", err)
	}
	if _, err := f.st.Transition(ctx, f.h, f.ind, f.period, e.Version, workflow.Reopen, "", sg); err == nil {
		t.Fatal("reopen without a reason")
	}
	e, err = f.st.Transition(ctx, f.h, f.ind, f.period, e.Version, workflow.Reopen, "Errore di trascrizione", sg)
	if err != nil || e.Status != workflow.Draft {
		t.Fatalf("reopen: %+v %v", e, err)
	}
	e, err = f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: f.period, Value: val(190), Version: e.Version, Submit: true}, dirigente)
	if err != nil {
		t.Fatal(err)
	}
	if e, err = f.st.Transition(ctx, f.h, f.ind, f.period, e.Version, workflow.Approve, "", sg); err != nil {
		t.Fatal(err)
	}
	// closing the period freezes everything, even transitions; reopening needs a reason
	if err := f.st.SetPeriodClosed(ctx, f.h, f.period, true, "", sg); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.Transition(ctx, f.h, f.ind, f.period, e.Version, workflow.Reopen, "motivo", sg); !errors.Is(err, store.ErrPeriodClosed) {
		t.Fatalf("transition in a closed period: %v", err)
	}
	if _, err := f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ratio, Period: f.period, Inputs: map[string]float64{"numerator": 1, "denominator": 1}}, referente); !errors.Is(err, store.ErrPeriodClosed) {
		t.Fatalf("save in a closed period: %v", err)
	}
	if err := f.st.SetPeriodClosed(ctx, f.h, f.period, false, "", sg); err == nil {
		t.Fatal("reopening a period needs a reason")
	}
	// a reopening built on the period before it was closed is stale: refused, nothing changes
	if err := f.st.SetPeriodClosed(ctx, f.h, f.period, false, "Rettifica richiesta dall'OIV", sg); !errors.Is(err, store.ErrPeriodChanged) {
		t.Fatalf("stale reopening: %v", err)
	}
	closed, err := f.st.Period(ctx, f.h.ID, f.period.Year, f.period.Kind)
	if err != nil || !closed.Closed() {
		t.Fatalf("period after a stale reopening: %+v %v", closed, err)
	}
	if err := f.st.SetPeriodClosed(ctx, f.h, closed, false, "Rettifica richiesta dall'OIV", sg); err != nil {
		t.Fatal(err)
	}
	// the history has every step, newest first, with old and new values
	hist, err := f.st.EntryHistory(ctx, f.h, f.ind.Key)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range hist {
		actions = append(actions, ev.Action)
	}
	want := []string{"measurement.approve", "measurement.submit", "measurement.reopen", "measurement.approve", "measurement.submit",
		"measurement.return", "measurement.submit", "measurement.save"}
	if len(actions) != len(want) {
		t.Fatalf("history %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("history %v, want %v", actions, want)
		}
	}
	if hist[2].Reason != "Errore di trascrizione" {
		t.Errorf("reopen reason: %q", hist[2].Reason)
	}
	// a derived indicator is never entered
	derived, err := f.st.EntryIndicator(ctx, f.h, "PO.1.2/1", 2023)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: derived, Period: f.period, Value: val(90)}, sg); !errors.Is(err, store.ErrDerived) {
		t.Fatalf("derived: %v", err)
	}
}

func TestEntriesAreAllOrNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	// the second row is stale (version 5 of an entry that does not exist): neither is saved
	_, errs, err := f.st.SaveEntries(ctx, f.h, []store.EntryInput{
		{Indicator: f.ind, Period: f.period, Value: val(183)},
		{Indicator: f.ratio, Period: f.period, Inputs: map[string]float64{"numerator": 9, "denominator": 10}, Version: 5},
	}, referente)
	if err != nil || len(errs) != 1 || errs[1] == nil {
		t.Fatalf("errs %v err %v", errs, err)
	}
	if e, _ := f.st.Entry(ctx, f.ind.ID, f.period.ID); e.Version != 0 {
		t.Fatal("the good row was saved although another failed")
	}
}

// TestConcurrentSavesLoseNothing: many writers save the same indicator, each
// with the version it read; exactly one wins per version, the others get a
// conflict showing the winner, and the final version counts the wins.
func TestConcurrentSavesLoseNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	const writers, rounds = 12, 5
	var mu sync.Mutex
	wins := map[int]int{} // version saved → winners
	conflicts := 0
	for round := range rounds {
		cur, err := f.st.Entry(ctx, f.ind.ID, f.period.ID)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e, err := f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: f.period,
					Value: val(float64(round*100 + w)), Version: cur.Version}, referente)
				var c *store.ConflictError
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins[e.Version]++
				case errors.As(err, &c):
					conflicts++
					if c.Current.Version != cur.Version+1 {
						t.Errorf("conflict shows version %d, want the winner's %d", c.Current.Version, cur.Version+1)
					}
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	for v := 1; v <= rounds; v++ {
		if wins[v] != 1 {
			t.Errorf("version %d has %d winners, want exactly 1", v, wins[v])
		}
	}
	if conflicts != rounds*(writers-1) {
		t.Errorf("%d conflicts, want %d", conflicts, rounds*(writers-1))
	}
	final, err := f.st.Entry(ctx, f.ind.ID, f.period.ID)
	if err != nil || final.Version != rounds {
		t.Fatalf("final version %d, want %d (%v)", final.Version, rounds, err)
	}
	hist, err := f.st.EntryHistory(ctx, f.h, f.ind.Key)
	if err != nil || len(hist) != rounds {
		t.Fatalf("history has %d events, want one per winning save (%d): %v", len(hist), rounds, err)
	}
}

// TestSubmittedValuesAtInYearMonitoring: by default only approved values
// count; the per-plan setting shows submitted ones at in-year monitoring to
// the ente's users, never to the public and never at year end.
func TestSubmittedValuesAtInYearMonitoring(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	mid, err := f.st.Period(ctx, f.h.ID, 2023, "midyear")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []model.Period{mid, f.period} {
		if _, err := f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: p, Value: val(100), Submit: true}, dirigente); err != nil {
			t.Fatal(err)
		}
	}
	snap, _, err := f.st.Snapshot(ctx, f.h, 2023, f.period.EndsOn)
	if err != nil {
		t.Fatal(err)
	}
	count := func(p model.Period, vis model.Visibility) int {
		a, err := f.st.Actuals(ctx, f.h.ID, p, snap.Indicators, vis)
		if err != nil {
			t.Fatal(err)
		}
		return a.Count
	}
	if count(mid, model.Approved) != 0 {
		t.Fatal("a submitted value counts by default")
	}
	if err := f.st.SetShowSubmittedMidyear(ctx, f.h, true, "test"); err != nil {
		t.Fatal(err)
	}
	if count(mid, model.Approved) != 1 || count(f.period, model.Approved) != 0 || count(mid, model.Public) != 0 {
		t.Fatalf("with the setting: midyear %d (want 1), final %d (want 0), public %d (want 0)",
			count(mid, model.Approved), count(f.period, model.Approved), count(mid, model.Public))
	}
}
