package server_test

// The export and import round trip, proven through the application's own
// open-data files: it lives with the server tests because it serves them.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/auth"
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

func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	dirigente := auth.User{Username: "dir.promozione", Role: auth.Dirigente}
	sg := auth.User{Username: "segretario", Role: auth.Segretario}
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
	if _, err := stA.ImportMeasurements(ctx, testfix.Ente, testfix.Plan, rows, store.ImportOptions{
		Actor: seed.SampleActor, Status: "approved", ClosePeriods: true, Demo: true}); err != nil {
		t.Fatal(err)
	}
	if err := stA.SetBehaviour(ctx, testfix.Ente, testfix.Plan, "sg", 2023, 87.5, "oiv", "Valutazione dei comportamenti"); err != nil {
		t.Fatal(err)
	}
	h, err := stA.PlanHeader(ctx, testfix.Ente, testfix.Plan)
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
	if _, err := stA.SaveEntry(ctx, h, store.EntryInput{Indicator: direct, Period: mid, Value: new(90.0), Submit: true}, dirigente); err != nil {
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

	exported, err := stA.ExportPlan(ctx, testfix.Ente, testfix.Plan)
	if err != nil {
		t.Fatal(err)
	}
	a := testfix.MarshalDoc(t, exported)
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
	testfix.SameBytes(t, "exports of the two databases", testfix.ExportJSON(t, stB), a)

	for _, file := range []string{"indicators.csv", "indicators.json"} {
		path := "/opendata/" + testfix.Ente + "/" + testfix.Plan + "/" + file
		testfix.SameBytes(t, file, openDataBytes(t, poolB, path), openDataBytes(t, poolA, path))
	}

	// The scores: 2023 final (public) and 2024 in-year (the ente's users see
	// the submitted value, as the rule says).
	for _, c := range []struct {
		year int
		kind string
		vis  model.Visibility
	}{{2023, "final", model.Public}, {2024, "midyear", model.Approved}} {
		ca, cb := exportCard(t, stA, c.year, c.kind, c.vis), exportCard(t, stB, c.year, c.kind, c.vis)
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

func exportCard(t *testing.T, st *store.Store, year int, kind string, vis model.Visibility) *scorecard.Card {
	t.Helper()
	ctx := context.Background()
	h, err := st.PlanHeader(ctx, testfix.Ente, testfix.Plan)
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
func openDataBytes(t *testing.T, pool *pgxpool.Pool, path string) []byte {
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
