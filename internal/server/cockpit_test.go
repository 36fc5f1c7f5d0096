package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
)

// The Segretario signs in and lands on the cockpit of the open period that
// contains today (not the latest open one, nor the latest with data), sees
// the period and its state, can pick any period, and has the menu line.
func TestSegretarioLandsOnTheCurrentPeriod(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	h, err := store.New(pool).PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	// this year's two periods and a later open one: today is in one of this year's
	today := time.Now().In(itfmt.Rome())
	y := today.Year()
	if _, err := pool.Exec(ctx, `INSERT INTO periods (plan_id, year, kind, ends_on, entry_deadline) VALUES
		($1, $2, 'midyear', make_date($2, 6, 30), make_date($2, 7, 31)),
		($1, $2, 'final', make_date($2, 12, 31), make_date($2 + 1, 1, 31)),
		($1, $2 + 1, 'final', make_date($2 + 1, 12, 31), NULL)`, h.ID, y); err != nil {
		t.Fatal(err)
	}
	ref, ends := strconv.Itoa(y)+"-final", "31/12/"+strconv.Itoa(y)
	if today.Month() <= time.June {
		ref, ends = strconv.Itoa(y)+"-midyear", "30/06/"+strconv.Itoa(y)
	}
	sg := client(t)
	res := signIn(t, sg, srv.URL, "segretario", testPassword)
	want := refPlan + "/cruscotto?periodo=" + ref
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
		t.Fatalf("sign-in: %d to %q, want %q", res.StatusCode, res.Header.Get("Location"), want)
	}
	res, body := fetch(t, sg, srv.URL+want)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("cockpit: %d", res.StatusCode)
	}
	mustContain(t, body, "Periodo: <strong>"+ends+" (aperto)</strong>", `<select id="periodo" name="periodo"`,
		`value="2023-midyear"`, `value="`+strconv.Itoa(y+1)+`-final"`, "Raccolta dei dati", "Da approvare (0)",
		`Menu dell`, `aria-current="page"><strong>Cruscotto</strong>`, ">Ritardi<", ">Approvazioni<")
	// without ?periodo the signed-in cockpit opens on the same period
	_, body = fetch(t, sg, srv.URL+refPlan+"/cruscotto")
	mustContain(t, body, "Periodo: <strong>"+ends+" (aperto)</strong>")
	// the choice is changeable
	_, body = fetch(t, sg, srv.URL+refPlan+"/cruscotto?periodo=2024-midyear")
	mustContain(t, body, "Periodo: <strong>30/06/2024 (aperto)</strong>")

	// a dirigente's menu has no approvals; the public sees no menu and only closed periods
	dir := client(t)
	signIn(t, dir, srv.URL, "dirigente", testPassword)
	_, body = fetch(t, dir, srv.URL+refPlan+"/misurazioni")
	mustContain(t, body, `aria-current="page"><strong>Le mie misurazioni</strong>`)
	if strings.Contains(body, ">Approvazioni<") || strings.Contains(body, ">Registro<") {
		t.Error("the dirigente's menu offers approvals or the audit register")
	}
	_, body = fetch(t, client(t), srv.URL+refPlan+"/cruscotto")
	if strings.Contains(body, "Menu dell") || strings.Contains(body, `name="periodo"`) || strings.Contains(body, "Raccolta dei dati") {
		t.Error("the public dashboard shows the signed-in cockpit")
	}
}

// submitted creates n submitted entries of dir-ef's direct indicators in the
// 2025 final period and returns their keys and versions.
func submitted(t *testing.T, st *store.Store, h model.PlanHeader, p model.Period, pos int64, n int) ([]string, map[string]int) {
	t.Helper()
	ctx := context.Background()
	items, err := st.Worklist(ctx, h, p, pos)
	if err != nil {
		t.Fatal(err)
	}
	dir := auth.User{Username: "dirigente", Role: auth.Dirigente, PositionID: pos}
	var keys []string
	versions := map[string]int{}
	for _, it := range items {
		if it.Formula != plan.FormulaDirect || it.Entry.Version != 0 || len(keys) == n {
			continue
		}
		ind, err := st.EntryIndicator(ctx, h, it.Key, p.Year)
		if err != nil {
			t.Fatal(err)
		}
		v := 1.0
		e, err := st.SaveEntry(ctx, h, store.EntryInput{Indicator: ind, Period: p, Value: &v, Submit: true}, dir)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, it.Key)
		versions[it.Key] = e.Version
	}
	if len(keys) != n {
		t.Fatalf("only %d direct indicators for dir-ef", len(keys))
	}
	return keys, versions
}

func bulkForm(action string, keys []string, versions map[string]int, extra ...string) url.Values {
	v := url.Values{"azione": {action}}
	for _, k := range keys {
		v.Add("voce", k)
		v.Set("versione-"+k, strconv.Itoa(versions[k]))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func statuses(t *testing.T, st *store.Store, h model.PlanHeader, p model.Period, keys []string) []string {
	t.Helper()
	var out []string
	for _, k := range keys {
		ind, err := st.EntryIndicator(context.Background(), h, k, p.Year)
		if err != nil {
			t.Fatal(err)
		}
		e, err := st.Entry(context.Background(), ind.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(e.Status))
	}
	return out
}

func allStatus(xs []string, s workflow.Status) bool {
	for _, x := range xs {
		if x != string(s) {
			return false
		}
	}
	return len(xs) > 0
}

// Bulk approval from the cockpit: a confirmation stating the count, then
// all approved with one audit event each; a return without comment and a
// stale version change nothing; a dirigente cannot bulk approve.
func TestBulkApprovalsFromTheCockpit(t *testing.T) {
	t.Parallel()
	srv, pool, st, h := authServer(t)
	ctx := context.Background()
	p, pos := finalAndEF(t, pool, st, h, 2025)
	keys, versions := submitted(t, st, h, p, pos, 3)
	action := srv.URL + refPlan + "/misurazioni/approvazioni?periodo=2025-final"

	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	_, body := fetch(t, sg, srv.URL+refPlan+"/cruscotto?periodo=2025-final")
	mustContain(t, body, "Da approvare (3)", `name="voce" value="`+keys[0]+`"`, "Approva selezionati", "Restituisci selezionati",
		"posizione="+strconv.FormatInt(pos, 10))
	events := periodEvents(t, pool, "measurement.approve")

	// returning without a comment: 422, the Italian message next to the field, the selection kept, nothing changed
	code, page := postPage(t, sg, action, bulkForm("restituisci", keys, versions, "conferma", "1"))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("return without comment: %d", code)
	}
	mustContain(t, page, `id="commento-errore"`, "Per restituire scrivi un commento", `value="`+keys[1]+`" checked`)
	if got := statuses(t, st, h, p, keys); !allStatus(got, workflow.Submitted) {
		t.Errorf("after a refused return: %v", got)
	}
	// nothing selected: 422 next to the list
	code, page = postPage(t, sg, action, bulkForm("approva", nil, nil, "conferma", "1"))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("nothing selected: %d", code)
	}
	mustContain(t, page, "Seleziona almeno una misurazione")

	// a stale version: nothing changed, the page names the row
	stale := map[string]int{keys[0]: versions[keys[0]], keys[1]: versions[keys[1]] - 1, keys[2]: versions[keys[2]]}
	code, page = postPage(t, sg, action, bulkForm("approva", keys, stale, "conferma", "1"))
	if code != http.StatusConflict {
		t.Errorf("stale bulk: %d", code)
	}
	mustContain(t, page, "Nessuna misurazione è stata modificata", keys[1])
	if got := statuses(t, st, h, p, keys); !allStatus(got, workflow.Submitted) {
		t.Errorf("after a stale bulk: %v", got)
	}
	if n := periodEvents(t, pool, "measurement.approve"); n != events {
		t.Errorf("a stale bulk wrote %d approval events", n-events)
	}

	// a dirigente cannot bulk approve
	dir := client(t)
	signIn(t, dir, srv.URL, "dirigente", testPassword)
	if code, _ := postPage(t, dir, action, bulkForm("approva", keys, versions, "conferma", "1")); code != http.StatusForbidden {
		t.Errorf("dirigente bulk approve: %d", code)
	}

	// the first post asks to confirm, stating the count, and changes nothing
	code, page = postPage(t, sg, action, bulkForm("approva", keys, versions))
	if code != http.StatusOK {
		t.Errorf("confirmation: %d", code)
	}
	mustContain(t, page, "Confermi l&#39;approvazione di 3 misurazioni?", `name="conferma" value="1"`)
	if got := statuses(t, st, h, p, keys); !allStatus(got, workflow.Submitted) {
		t.Errorf("after the confirmation page: %v", got)
	}
	// confirmed: all three approved, one audit event each
	res, err := sg.PostForm(action, bulkForm("approva", keys, versions, "conferma", "1"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "esito=approva-3") {
		t.Fatalf("bulk approve: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := statuses(t, st, h, p, keys); !allStatus(got, workflow.Approved) {
		t.Errorf("after the bulk approval: %v", got)
	}
	if n := periodEvents(t, pool, "measurement.approve"); n != events+3 {
		t.Errorf("%d approval events, want 3", n-events)
	}
	_, body = fetch(t, sg, srv.URL+res.Header.Get("Location"))
	mustContain(t, body, "3 misurazioni approvate.", "Da approvare (0)")

	// bulk return with a comment: returned, the comment stored on each
	keys2, versions2 := submitted(t, st, h, p, pos, 2)
	res, err = sg.PostForm(action, bulkForm("restituisci", keys2, versions2, "conferma", "1", "commento", "Manca la fonte del dato"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk return: %d", res.StatusCode)
	}
	if got := statuses(t, st, h, p, keys2); !allStatus(got, workflow.Returned) {
		t.Errorf("after the bulk return: %v", got)
	}
	var comments int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM measurements WHERE review_comment = 'Manca la fonte del dato'`).Scan(&comments); err != nil {
		t.Fatal(err)
	}
	if comments != 2 {
		t.Errorf("%d entries carry the comment, want 2", comments)
	}
}

// TestBulkApprovalNeedsTheMotivazioni: at the final period a bulk approval
// with entries whose scostamento is not explained changes nothing and names
// them; once explained, the same entries are approved.
func TestBulkApprovalNeedsTheMotivazioni(t *testing.T) {
	t.Parallel()
	srv, pool, st, h := authServer(t)
	ctx := context.Background()
	p, pos := finalAndEF(t, pool, st, h, 2023)
	items, err := st.Worklist(ctx, h, p, pos)
	if err != nil {
		t.Fatal(err)
	}
	dir := auth.User{Username: "dirigente", Role: auth.Dirigente, PositionID: pos}
	var keys []string
	versions := map[string]int{}
	inds := map[string]model.EntryIndicator{}
	for _, it := range items { // two entries "non applicabile": a scostamento at the final period
		if it.Formula != plan.FormulaDirect || it.Entry.Version != 0 || len(keys) == 2 {
			continue
		}
		ind, err := st.EntryIndicator(ctx, h, it.Key, p.Year)
		if err != nil {
			t.Fatal(err)
		}
		e, err := st.SaveEntry(ctx, h, store.EntryInput{Indicator: ind, Period: p, NotApplicable: true, Reason: "Servizio sospeso",
			Submit: true}, dir)
		if err != nil {
			t.Fatal(err)
		}
		keys, versions[it.Key], inds[it.Key] = append(keys, it.Key), e.Version, ind
	}
	if len(keys) != 2 {
		t.Fatalf("only %d direct indicators for dir-ef", len(keys))
	}
	action := srv.URL + refPlan + "/misurazioni/approvazioni?periodo=2023-final"
	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	code, page := postPage(t, sg, action, bulkForm("approva", keys, versions, "conferma", "1"))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("bulk approval without motivazioni: %d", code)
	}
	mustContain(t, page, "Nessuna misurazione è stata approvata", "motivazione completa dello scostamento", keys[0], keys[1])
	if got := statuses(t, st, h, p, keys); !allStatus(got, workflow.Submitted) {
		t.Errorf("after a refused bulk approval: %v", got)
	}
	// returned, explained and submitted again: approved
	for _, k := range keys {
		e, err := st.Transition(ctx, h, inds[k], p, versions[k], workflow.Return, "Scrivi la motivazione", auth.User{Username: "segretario", Role: auth.Segretario})
		if err != nil {
			t.Fatal(err)
		}
		e, err = st.SaveEntry(ctx, h, store.EntryInput{Indicator: inds[k], Period: p, NotApplicable: true, Reason: "Servizio sospeso",
			Version: e.Version, Submit: true, Deviation: &model.Deviation{What: "Servizio sospeso.", Why: "Lavori nella sede.",
				Action: "Riapertura a gennaio."}}, dir)
		if err != nil {
			t.Fatal(err)
		}
		versions[k] = e.Version
	}
	res, err := sg.PostForm(action, bulkForm("approva", keys, versions, "conferma", "1"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk approval with motivazioni: %d", res.StatusCode)
	}
	if got := statuses(t, st, h, p, keys); !allStatus(got, workflow.Approved) {
		t.Errorf("after the bulk approval: %v", got)
	}
}

// TestCockpitSeesEveryWrite: the cockpit's counts and approval queue are
// cached by the plan's version, so a submission and an approval made after
// the page was built show at the next visit, and a stale queue is never
// served.
func TestCockpitSeesEveryWrite(t *testing.T) {
	t.Parallel()
	srv, pool, st, h := authServer(t)
	ctx := context.Background()
	p, pos := finalAndEF(t, pool, st, h, 2025)
	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	page := srv.URL + refPlan + "/cruscotto?periodo=2025-final"
	_, body := fetch(t, sg, page)
	mustContain(t, body, "Da approvare (0)")
	keys, versions := submitted(t, st, h, p, pos, 2)
	_, body = fetch(t, sg, page)
	mustContain(t, body, "Da approvare (2)", `name="voce" value="`+keys[1]+`"`)
	ind, err := st.EntryIndicator(ctx, h, keys[0], p.Year)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Transition(ctx, h, ind, p, versions[keys[0]], workflow.Approve, "", auth.User{Username: "segretario", Role: auth.Segretario}); err != nil {
		t.Fatal(err)
	}
	_, body = fetch(t, sg, page)
	mustContain(t, body, "Da approvare (1)")
	if strings.Contains(body, `name="voce" value="`+keys[0]+`"`) {
		t.Error("the approved entry is still in the queue")
	}
}

// finalAndEF returns the final period of year and the position id of the
// dirigente of dir-ef, whose entries the cockpit tests submit.
func finalAndEF(t *testing.T, pool *pgxpool.Pool, st *store.Store, h model.PlanHeader, year int) (model.Period, int64) {
	t.Helper()
	ctx := context.Background()
	p, err := st.Period(ctx, h.ID, year, "final")
	if err != nil {
		t.Fatal(err)
	}
	var pos int64
	if err := pool.QueryRow(ctx, `SELECT id FROM roles WHERE key = 'dir-ef'`).Scan(&pos); err != nil {
		t.Fatal(err)
	}
	return p, pos
}

// TestDashboardHeaderFollowsEveryChange: the dashboard keeps the plan's
// header and periods between views; closing and reopening a period, and
// replacing the plan by an import (a new plan id), show at the next view.
func TestDashboardHeaderFollowsEveryChange(t *testing.T) {
	t.Parallel()
	srv, _, st, h := authServer(t)
	ctx := context.Background()
	p, err := st.Period(ctx, h.ID, 2025, "final")
	if err != nil {
		t.Fatal(err)
	}
	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	page := srv.URL + refPlan + "/cruscotto?periodo=2025-final"
	for range 2 { // the second view is served from what the first kept
		_, body := fetch(t, sg, page)
		mustContain(t, body, "<title>Cruscotto — "+h.Title)
		if strings.Contains(body, "periodo chiuso") {
			t.Fatal("the open period is shown closed")
		}
	}
	who := auth.User{Username: "segretario", Role: auth.Segretario}
	if err := st.SetPeriodClosed(ctx, h, p, true, "", who); err != nil {
		t.Fatal(err)
	}
	_, body := fetch(t, sg, page)
	mustContain(t, body, "periodo chiuso")
	if p, err = st.Period(ctx, h.ID, 2025, "final"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPeriodClosed(ctx, h, p, false, "rettifica di prova", who); err != nil {
		t.Fatal(err)
	}
	if _, body = fetch(t, sg, page); strings.Contains(body, "periodo chiuso") {
		t.Fatal("the reopened period is still shown closed")
	}

	doc, err := st.ExportPlan(ctx, h.EnteSlug, h.Slug)
	if err != nil {
		t.Fatal(err)
	}
	doc.Plan.Title = "Piano sostituito da un'importazione di prova"
	res, err := st.LoadPlan(ctx, doc, store.LoadOptions{Replace: true, Actor: "admin"})
	if err != nil || res.PlanID == h.ID {
		t.Fatalf("replace: %+v %v", res, err)
	}
	_, body = fetch(t, sg, page)
	mustContain(t, body, "Piano sostituito da un&#39;importazione di prova")
}
