package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
)

// TestEarlyWarningShowsTheCorrectiveAction: at the in-year period an
// indicator behind its pro-rata target is an early warning in the
// Segretario's cockpit, and the corrective action the dirigente noted on the
// measurement stands beside it; an indicator without a note says so.
func TestEarlyWarningShowsTheCorrectiveAction(t *testing.T) {
	t.Parallel()
	srv, pool, _, _ := authServer(t)
	const mid = "?periodo=2023-midyear"
	// the mediations (≥ 200 a year, counted: about 100 expected at 30/06) are dir-prm's
	addUser(t, pool, "dir.promozione", auth.Dirigente, "dir-prm")
	ref, sg := client(t), client(t)
	signIn(t, ref, srv.URL, "dir.promozione", testPassword)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	const note = "Due conciliatori in più da luglio."
	_, body := fetch(t, ref, srv.URL+entryPath+mid)
	res, text := postMultipart(t, ref, srv.URL+entryPath+mid, map[string]string{"valore": "20", "versione": version(t, body), "azione": "invia",
		"scost_azione": note}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s %.300s", res.StatusCode, errorsIn(text), text)
	}
	_, body = fetch(t, sg, srv.URL+entryPath+mid)
	if res, err := sg.PostForm(srv.URL+entryPath+"/stato"+mid, url.Values{"azione": {"approva"}, "versione": {version(t, body)}}); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %v %v", err, res)
	}
	res, body = fetch(t, sg, srv.URL+refPlan+"/cruscotto"+mid)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("cockpit: %d", res.StatusCode)
	}
	i := strings.Index(body, `id="allerta"`)
	if i < 0 {
		t.Fatal("no early warnings section at 30/06")
	}
	warnings := body[i:]
	if j := strings.Index(warnings, "</section>"); j > 0 {
		warnings = warnings[:j]
	}
	mustContain(t, warnings, "O.3.3.1/1", "Azione correttiva", note)
	if strings.Count(warnings, "<tr>") > 2 && !strings.Contains(warnings, "non indicata") {
		t.Error("a warning without a note does not say so")
	}
}
