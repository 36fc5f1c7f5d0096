package server_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/store"
)

// postPage posts a form and returns the status and the page.
func postPage(t *testing.T, c *http.Client, u string, v url.Values) (int, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func periodEvents(t *testing.T, pool *pgxpool.Pool, action string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A period that has not ended (it ends today, or in a later year) cannot be
// closed: the page offers no button and a forced post, even confirmed, is
// refused with an Italian message; the store refuses it too.
func TestClosingAPeriodBeforeItsEndIsRefused(t *testing.T) {
	t.Parallel()
	srv, pool, st, h := authServer(t)
	ctx := context.Background()
	// a period ending today and one ending next year, besides the plan's (all ended)
	y := time.Now().Year()
	if _, err := pool.Exec(ctx, `INSERT INTO periods (plan_id, year, kind, ends_on) VALUES
		($1, extract(year FROM current_date)::int, 'final', current_date),
		($1, extract(year FROM current_date)::int + 1, 'final', make_date(extract(year FROM current_date)::int + 1, 12, 31))`, h.ID); err != nil {
		t.Fatal(err)
	}
	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	_, body := fetch(t, sg, srv.URL+refPlan+"/periodi")
	for _, ref := range []string{strconv.Itoa(y) + "-final", strconv.Itoa(y+1) + "-final"} {
		if strings.Contains(body, `/periodi/`+ref+`"`) {
			t.Errorf("the periods page offers to close %s, not yet ended", ref)
		}
	}
	mustContain(t, body, "si potrà chiudere dal", `/periodi/2023-final"`)

	before := periodEvents(t, pool, "period.close")
	for _, ref := range []string{strconv.Itoa(y) + "-final", strconv.Itoa(y+1) + "-final"} {
		code, page := postPage(t, sg, srv.URL+refPlan+"/periodi/"+ref, url.Values{"azione": {"chiudi"}, "conferma": {"1"}, "versione": {"1"}})
		if code != http.StatusUnprocessableEntity {
			t.Errorf("closing %s before its end: %d", ref, code)
		}
		mustContain(t, page, "non è ancora terminato", "Nulla è cambiato")
	}
	for _, yy := range []int{y, y + 1} {
		p, err := st.Period(ctx, h.ID, yy, "final")
		if err != nil {
			t.Fatal(err)
		}
		if p.Closed() {
			t.Errorf("%d-final closed before its end", yy)
		}
		// the store refuses whoever calls it
		if err := st.SetPeriodClosed(ctx, h, p, true, "", auth.User{Username: "test"}); !errors.Is(err, store.ErrPeriodNotEnded) {
			t.Errorf("store closes %d-final before its end: %v", yy, err)
		}
	}
	if n := periodEvents(t, pool, "period.close"); n != before {
		t.Errorf("%d closing events for periods not ended", n-before)
	}
}

// Closing goes through a confirmation page that lists, per dirigente, what is
// still empty, in draft or submitted and not approved; without the explicit
// confirmation nothing is closed. Reopening keeps its reason, shown on the
// periods page.
func TestClosingAPeriodNeedsTheMissingListAndAConfirmation(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	addUser(t, pool, "dir.promozione", auth.Dirigente, "dir-prm")
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	st := store.New(pool)
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	sg, dir := client(t), client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	signIn(t, dir, srv.URL, "dir.promozione", testPassword)

	// one entry submitted, not approved
	if res, _ := postMultipart(t, dir, srv.URL+entryPath+period, map[string]string{"valore": "183", "versione": "0", "azione": "invia"}, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	p, err := st.Period(ctx, h.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	gaps, err := st.ClosingGaps(ctx, h, p)
	if err != nil {
		t.Fatal(err)
	}
	var pending, submitted int
	var prm string
	for _, g := range gaps {
		pending += g.Empty + g.Draft + g.Submitted
		submitted += g.Submitted
		if g.Submitted == 1 {
			prm = g.Position
		}
	}
	// every (indicator, dirigente) pair without an approved value, counted apart
	var want int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM indicators i JOIN objective_owners oo ON oo.objective_id = i.objective_id
		WHERE i.plan_id = $1 AND i.formula <> 'derived' AND NOT EXISTS (SELECT 1 FROM measurements m
			WHERE m.indicator_id = i.id AND m.period_id = $2 AND m.status = 'approved')`, h.ID, p.ID).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if pending != want || submitted != 1 || prm == "" {
		t.Fatalf("closing gaps: %d pending (want %d), %d submitted (want 1): %+v", pending, want, submitted, gaps)
	}

	closeURL := srv.URL + refPlan + "/periodi/2023-final"
	before := periodEvents(t, pool, "period.close")
	// the button on the periods page leads to the confirmation, nothing closed
	code, page := postPage(t, sg, closeURL, url.Values{"azione": {"chiudi"}, "versione": {"1"}})
	if code != http.StatusOK {
		t.Fatalf("closing without confirmation: %d", code)
	}
	mustContain(t, page, "Cosa manca ancora", prm, "Vuoti", "In bozza o restituiti", "Inviati, non approvati",
		"Confermo la chiusura del periodo 31/12/2023", strconv.Itoa(pending)+" indicatori restano senza valore approvato", `name="conferma"`)
	// the confirmation form posted without ticking the box: a message next to it, nothing closed
	code, page = postPage(t, sg, closeURL, url.Values{"azione": {"chiudi"}, "passo": {"conferma"}, "motivo": {"Chiusura ordinaria"}, "versione": {"1"}})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("confirmation without the box: %d", code)
	}
	mustContain(t, page, "Per chiudere il periodo spunta la conferma", `value="Chiusura ordinaria"`)
	// a note too long, even confirmed: the message next to it, nothing closed
	code, page = postPage(t, sg, closeURL, url.Values{"azione": {"chiudi"}, "passo": {"conferma"}, "conferma": {"1"}, "motivo": {strings.Repeat("n", 501)}, "versione": {"1"}})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("confirmation with a note too long: %d", code)
	}
	mustContain(t, page, "La nota è troppo lunga", "Cosa manca ancora")
	for _, v := range []string{"0", "si", "on", "true"} {
		if code, _ := postPage(t, sg, closeURL, url.Values{"azione": {"chiudi"}, "passo": {"conferma"}, "conferma": {v}, "versione": {"1"}}); code == http.StatusSeeOther {
			t.Errorf("conferma=%s closed the period", v)
		}
	}
	if p, _ := st.Period(ctx, h.ID, 2023, "final"); p.Closed() || periodEvents(t, pool, "period.close") != before {
		t.Fatal("the period was closed without the explicit confirmation")
	}
	// confirmed: closed, with the note in the audit trail
	if code, _ := postPage(t, sg, closeURL, url.Values{"azione": {"chiudi"}, "passo": {"conferma"}, "conferma": {"1"}, "motivo": {"Chiusura ordinaria"}, "versione": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("confirmed closing: %d", code)
	}
	p, _ = st.Period(ctx, h.ID, 2023, "final")
	if !p.Closed() || periodEvents(t, pool, "period.close") != before+1 {
		t.Fatal("the confirmed closing did not close the period once")
	}

	// reopening keeps its reason: stored on the period and shown, also after closing again
	const reason = "Rettifica richiesta dall'OIV sul valore delle mediazioni"
	if code, _ := postPage(t, sg, closeURL, url.Values{"azione": {"riapri"}, "motivo": {reason}, "versione": {strconv.Itoa(p.Version)}}); code != http.StatusSeeOther {
		t.Fatalf("reopen: %d", code)
	}
	p, _ = st.Period(ctx, h.ID, 2023, "final")
	if p.Closed() || p.ReopenReason != reason || p.ReopenedBy != "segretario" || p.ReopenedAt == nil {
		t.Fatalf("reopened period: closed=%v reason=%q by=%q", p.Closed(), p.ReopenReason, p.ReopenedBy)
	}
	_, body := fetch(t, sg, srv.URL+refPlan+"/periodi")
	mustContain(t, body, "riaperto il", "da segretario", "Rettifica richiesta dall&#39;OIV sul valore delle mediazioni")
	if code, _ := postPage(t, sg, closeURL, url.Values{"azione": {"chiudi"}, "conferma": {"1"}, "versione": {strconv.Itoa(p.Version)}}); code != http.StatusSeeOther {
		t.Fatalf("close again: %d", code)
	}
	_, body = fetch(t, sg, srv.URL+refPlan+"/periodi")
	mustContain(t, body, "chiuso il", "Rettifica richiesta dall&#39;OIV sul valore delle mediazioni")
}
