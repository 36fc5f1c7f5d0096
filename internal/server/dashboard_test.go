package server_test

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scores"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
)

// TestDashboardNumbersAreTheEngines: every number of the dashboard equals
// what the scoring engine computes for the same period.
func TestDashboardNumbersAreTheEngines(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	importFixture(t, pool, true)
	srv := httptest.NewServer(app)
	defer srv.Close()
	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	res, body := fetch(t, sg, srv.URL+refPlan+"/cruscotto?periodo=2023-final")
	if res.StatusCode != 200 {
		t.Fatalf("dashboard: %d", res.StatusCode)
	}
	// the engine, on the same data
	ctx := context.Background()
	st := store.New(pool)
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Period(ctx, h.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	card, err := scores.Load(ctx, st, h, p, model.Approved)
	if err != nil {
		t.Fatal(err)
	}
	r := card.Result
	pct := func(v float64) string { return itfmt.Number(v, 2) + "%" }
	mustContain(t, body, "Performance dell&#39;ente", pct(r.Ente.Value), "Dati dimostrativi")
	for a := range card.Model.Areas {
		mustContain(t, body, pct(r.Areas[a].Value))
	}
	// the state of the strategy: the three derived KPIs, their values as the engine computed them
	for _, key := range []string{"PO.1.1/1", "PO.1.2/1", "PO.1.3/1"} {
		res, i := card.Indicator(key)
		if i < 0 || !res.HasActual {
			t.Fatalf("%s not scored", key)
		}
		mustContain(t, body, key, itfmt.Value(res.Actual, card.Model.Indicators[i].Unit))
	}
	// counts by status, as the engine's objective scores say
	var met, partial, notMet, incomplete int
	for _, s := range r.Objectives {
		switch {
		case s.Has && s.Missing > 0:
			incomplete++
		case s.Status == scoring.StatusMet:
			met++
		case s.Status == scoring.StatusPartial:
			partial++
		case s.Status == scoring.StatusNotMet:
			notMet++
		}
	}
	tiles := regexp.MustCompile(`<span class="piao-tile-n">(\d+)</span>`).FindAllStringSubmatch(body, -1)
	if len(tiles) < 4 {
		t.Fatalf("tiles: %v", tiles)
	}
	for i, want := range []int{met, partial, notMet, incomplete} {
		if tiles[i][1] != itoa(want) {
			t.Errorf("tile %d: page %s, engine %d", i, tiles[i][1], want)
		}
	}
	// the stato di salute: 3 of 4 met (the fixture's tesoreria is 1,2 against ≥ 1,5)
	mustContain(t, body, "Indicatori che raggiungono il target: <strong>3</strong> su 4")
	// largest gaps start with the worst indicator: 3.2/1 at 50%
	gaps := body[strings.Index(body, "Maggiori scarti"):]
	if i, j := strings.Index(gaps, "3.2/1"), strings.Index(gaps, "O.1.1.5/1"); i < 0 || j < 0 || i > j {
		t.Errorf("gaps not worst first (3.2/1 at 50%% before O.1.1.5/1 at 80%%)")
	}
	// the dashboard is cached: a change must show at once. 3.2/1 goes from 1 to 2 (50% → 100%):
	// area 3 becomes (100 + 100 + 95,75) / 3 = 98,58%
	ind, err := st.EntryIndicator(ctx, h, "3.2/1", 2023)
	if err != nil {
		t.Fatal(err)
	}
	sgUser := auth.User{Username: "segretario", Role: auth.Segretario}
	if err := st.SetPeriodClosed(ctx, h, p, false, "rettifica di prova", sgUser); err != nil {
		t.Fatal(err)
	}
	cur, err := st.Entry(ctx, ind.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	e, err := st.Transition(ctx, h, ind, p, cur.Version, workflow.Reopen, "rettifica di prova", sgUser)
	if err != nil {
		t.Fatal(err)
	}
	two := 2.0
	if e, err = st.SaveEntry(ctx, h, store.EntryInput{Indicator: ind, Period: p, Value: &two, Version: e.Version, Submit: true}, sgUser); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Transition(ctx, h, ind, p, e.Version, workflow.Approve, "", sgUser); err != nil {
		t.Fatal(err)
	}
	_, body = fetch(t, sg, srv.URL+refPlan+"/cruscotto?periodo=2023-final")
	mustContain(t, body, "98,58%")
	// filters: only dir-ef's objectives
	_, body = fetch(t, sg, srv.URL+refPlan+"/cruscotto?periodo=2023-final&dirigente=dir-ef&tipo=operational")
	mustContain(t, body, "O.1.1.3")
	if strings.Contains(body, `href="/enti/cciaa-gran-sasso/piani/piao-2023-2025/obiettivi/O.3.3.1"`) {
		t.Error("the dirigente filter shows another dirigente's objective")
	}
	// the dirigente view: his objectives and indicators, with the engine's numbers
	_, body = fetch(t, sg, srv.URL+refPlan+"/dirigenti/dir-prm?periodo=2023-final")
	mustContain(t, body, "Obiettivi e indicatori di responsabilità", "O.3.3.1/1", "91,5%", "Risultati (obiettivi individuali)")
	// the indicator page: values per period and the explanation
	_, body = fetch(t, sg, srv.URL+refPlan+"/indicatori/3.3/1")
	mustContain(t, body, "31/12/2023 (consuntivo annuale)", "91,5%", "183 ÷ 200 × 100 = 91,5%", "Andamento di 3.3/1", "Valore a consuntivo")
}

func itoa(n int) string {
	return strings.TrimSpace(strings.Replace(itfmt.Number(float64(n), 0), ".", "", -1))
}

// TestDashboardWithSampleActuals: with the demo sample of `piao demo
// --with-sample-actuals`, the dashboard shows the engine's numbers and the
// demo label.
func TestDashboardWithSampleActuals(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	ctx := context.Background()
	st := store.New(pool)
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := seed.SampleActuals(doc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportMeasurements(ctx, "cciaa-gran-sasso", "piao-2023-2025", rows,
		store.ImportOptions{Actor: seed.SampleActor, ClosePeriods: true, Demo: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	defer srv.Close()
	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	_, body := fetch(t, sg, srv.URL+refPlan+"/cruscotto?periodo=2023-final")
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Period(ctx, h.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	card, err := scores.Load(ctx, st, h, p, model.Approved)
	if err != nil {
		t.Fatal(err)
	}
	r := card.Result
	pct := func(v float64) string { return itfmt.Number(v, 2) + "%" }
	mustContain(t, body, "Dati dimostrativi", pct(r.Ente.Value))
	for a := range card.Model.Areas {
		mustContain(t, body, pct(r.Areas[a].Value))
	}
	for o, ob := range card.Model.Objectives {
		if ob.Kind == "strategic" && r.Objectives[o].Has {
			mustContain(t, body, pct(r.Objectives[o].Value))
		}
	}
	var met, partial, notMet int
	for _, s := range r.Objectives {
		switch {
		case s.Has && s.Missing > 0:
		case s.Status == scoring.StatusMet:
			met++
		case s.Status == scoring.StatusPartial:
			partial++
		case s.Status == scoring.StatusNotMet:
			notMet++
		}
	}
	tiles := regexp.MustCompile(`<span class="piao-tile-n">(\d+)</span>`).FindAllStringSubmatch(body, -1)
	if len(tiles) < 3 || tiles[0][1] != itoa(met) || tiles[1][1] != itoa(partial) || tiles[2][1] != itoa(notMet) {
		t.Errorf("tiles %v, engine %d/%d/%d", tiles, met, partial, notMet)
	}
	if met == 0 || partial == 0 || notMet == 0 {
		t.Errorf("the sample should show every band: %d/%d/%d", met, partial, notMet)
	}
}
