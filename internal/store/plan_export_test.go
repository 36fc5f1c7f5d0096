package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scores"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/server"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
	"github.com/piao-performance/piao/internal/testfix"
	"github.com/piao-performance/piao/internal/workflow"
)

const (
	exportEnte = "cciaa-gran-sasso"
	exportPlan = "piao-2023-2025"
)

func exportJSON(t *testing.T, st *store.Store) []byte {
	t.Helper()
	doc, err := st.ExportPlan(context.Background(), exportEnte, exportPlan)
	if err != nil {
		t.Fatal(err)
	}
	return marshalDoc(t, doc)
}

func marshalDoc(t *testing.T, doc *plan.Document) []byte {
	t.Helper()
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// sameBytes fails with the first differing line.
func sameBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s differ at line %d:\n got: %s\nwant: %s", what, i+1, gl, wl)
		}
	}
	t.Fatalf("%s differ", what)
}

func TestExportReferencePlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ref := testfix.Reference(t)
	st, doc := ref.Store, ref.Doc
	got, err := st.ExportPlan(ctx, exportEnte, exportPlan)
	if err != nil {
		t.Fatal(err)
	}
	// The state is what a backup adds: the seed has none; a fresh plan has
	// the default rules and periods and nothing else.
	s := got.State
	if s == nil || s.Rules == nil || s.Rules.Cap != 100 || len(s.Rules.IndividualBands) != 4 || len(s.Periods) != 6 ||
		s.Periods[0].Deadline != "2023-07-31" || s.Periods[0].ClosedAt != "" || len(s.Measurements) != 0 || len(s.Behaviour) != 0 {
		t.Fatalf("state of a fresh plan: %+v", s)
	}
	got.State = nil
	// The one normalisation: objective_units has no position (the schema
	// keeps an objective's units as a set, and scoring reads them in the
	// ente's unit order), so the export lists them in that order; the seed
	// lists the units of O.1.1.5 and OT_2 in another.
	order := make([]string, len(doc.Units))
	for i, u := range doc.Units {
		order[i] = u.Key
	}
	for i := range doc.Objectives {
		slices.SortFunc(doc.Objectives[i].Units, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	}
	// JSON bytes rather than reflect.DeepEqual: the seed writes a few empty
	// baseline lists as [], which decode as empty slices but mean (and
	// encode as) nothing, like the export's nil.
	sameBytes(t, "export and seed", marshalDoc(t, got), marshalDoc(t, doc))
}

func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	poolA := testdb.Pool(t)
	stA := store.New(poolA)
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stA.LoadPlan(ctx, doc, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	// The state `piao demo --with-sample-actuals` leaves, plus a behaviour
	// score, a rule change and in-year entries at every workflow step.
	rows, err := seed.SampleActuals(doc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stA.ImportMeasurements(ctx, exportEnte, exportPlan, rows, store.ImportOptions{
		Actor: seed.SampleActor, Status: "approved", ClosePeriods: true, Demo: true}); err != nil {
		t.Fatal(err)
	}
	if err := stA.SetBehaviour(ctx, exportEnte, exportPlan, "sg", 2023, 87.5, "oiv", "Valutazione dei comportamenti"); err != nil {
		t.Fatal(err)
	}
	h, err := stA.PlanHeader(ctx, exportEnte, exportPlan)
	if err != nil {
		t.Fatal(err)
	}
	if err := stA.SetShowSubmittedMidyear(ctx, h, true, "test"); err != nil {
		t.Fatal(err)
	}
	newRules := scoring.DefaultRules()
	newRules.Cap, newRules.LTERule = 120, scoring.LTELinear
	if err := stA.SetScoringRules(ctx, h, newRules, 2024, "Nuovo SMVP dal 2024", 1, "test"); err != nil {
		t.Fatal(err)
	}
	mid, err := stA.Period(ctx, h.ID, 2024, "midyear")
	if err != nil {
		t.Fatal(err)
	}
	direct, err := stA.EntryIndicator(ctx, h, "O.3.3.1/1", 2024)
	if err != nil {
		t.Fatal(err)
	}
	ratio, err := stA.EntryIndicator(ctx, h, "O.3.3.1/6", 2024)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stA.SaveEntry(ctx, h, store.EntryInput{Indicator: direct, Period: mid, Value: val(90), Submit: true}, dirigente); err != nil {
		t.Fatal(err)
	}
	if _, err := stA.Transition(ctx, h, direct, mid, 1, workflow.Return, "Allegare il verbale", sg); err != nil {
		t.Fatal(err)
	}
	if _, err := stA.SaveEntry(ctx, h, store.EntryInput{Indicator: ratio, Period: mid,
		Inputs: map[string]float64{"numerator": 41, "denominator": 57}, Submit: true}, dirigente); err != nil {
		t.Fatal(err)
	}
	if err := stA.SetPeriodDeadline(ctx, h, mid, mid.EndsOn.AddDate(0, 2, 0), "test"); err != nil {
		t.Fatal(err)
	}

	exported, err := stA.ExportPlan(ctx, exportEnte, exportPlan)
	if err != nil {
		t.Fatal(err)
	}
	a := marshalDoc(t, exported)
	if s := exported.State; len(s.RuleVersions) != 1 || s.RuleVersions[0].FromYear != 2024 || s.RuleVersions[0].Rules.Cap != 120 || s.Rules.Cap != 100 {
		t.Fatalf("export lacks the rule versions: %+v %+v", s.Rules, s.RuleVersions)
	}
	if s := exported.State; len(s.Measurements) < 100 || len(s.Behaviour) != 1 || !s.Rules.ShowSubmittedMidyear ||
		!strings.Contains(string(a), `"review_comment": "Allegare il verbale"`) || !strings.Contains(string(a), `"submitted_at": "20`) {
		t.Fatalf("export lacks the state: %d measurements, %+v", len(s.Measurements), s.Behaviour)
	}

	// Into a second database, through the JSON a user would keep.
	var back plan.Document
	dec := json.NewDecoder(bytes.NewReader(a))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatal(err)
	}
	poolB := testdb.Pool(t)
	stB := store.New(poolB)
	if _, err := stB.LoadPlan(ctx, &back, store.LoadOptions{Actor: "piao import"}); err != nil {
		t.Fatal(err)
	}
	sameBytes(t, "exports of the two databases", exportJSON(t, stB), a)

	for _, file := range []string{"indicators.csv", "indicators.json"} {
		path := "/opendata/" + exportEnte + "/" + exportPlan + "/" + file
		sameBytes(t, file, openData(t, poolB, path), openData(t, poolA, path))
	}

	// The scores: 2023 final (public) and 2024 in-year (the ente's users see
	// the submitted value, as the rule says).
	for _, c := range []struct {
		year int
		kind string
		vis  model.Visibility
	}{{2023, "final", model.Public}, {2024, "midyear", model.Approved}} {
		ca, cb := card(t, stA, c.year, c.kind, c.vis), card(t, stB, c.year, c.kind, c.vis)
		if want := map[int]int{2023: 1, 2024: 2}[c.year]; ca.Rules.No != want || cb.Rules.No != want || cb.Model.Rules.Cap != ca.Model.Rules.Cap {
			t.Errorf("%d: rules version %d in A, %d in B, want %d", c.year, ca.Rules.No, cb.Rules.No, want)
		}
		if ca.Result.Ente != cb.Result.Ente || ca.Measured != cb.Measured || ca.Demo != cb.Demo {
			t.Errorf("%d %s: ente score %+v (%d measured) in A, %+v (%d) in B", c.year, c.kind,
				ca.Result.Ente, ca.Measured, cb.Result.Ente, cb.Measured)
		}
		if c.kind == "final" && (!ca.Result.Ente.Has || ca.Measured == 0) {
			t.Errorf("2023 final is not scored: %+v", ca.Result.Ente)
		}
		for k := range ca.Result.Individuals {
			if ca.Result.Individuals[k] != cb.Result.Individuals[k] {
				t.Errorf("%d %s: individual %d differs: %+v vs %+v", c.year, c.kind, k, ca.Result.Individuals[k], cb.Result.Individuals[k])
			}
		}
	}
}

func card(t *testing.T, st *store.Store, year int, kind string, vis model.Visibility) *scorecard.Card {
	t.Helper()
	ctx := context.Background()
	h, err := st.PlanHeader(ctx, exportEnte, exportPlan)
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Period(ctx, h.ID, year, kind)
	if err != nil {
		t.Fatal(err)
	}
	c, err := scores.Load(ctx, st, h, p, vis)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// openData fetches a public open-data file through the application's handler.
func openData(t *testing.T, pool *pgxpool.Pool, path string) []byte {
	t.Helper()
	sessions, stop := server.NewSessions(pool, server.SessionOptions{})
	defer stop()
	app := server.New(store.New(pool), sessions, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: status %d", path, rec.Code)
	}
	return rec.Body.Bytes()
}
