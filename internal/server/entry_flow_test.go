package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
)

const mid24 = "?periodo=2024-midyear"

// noRedirect returns the client's responses to redirects instead of following them.
func noRedirect(c *http.Client) *http.Client {
	cp := *c
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// The dirigente walks his worklist: the filter travels with him, "Salva e
// passa al successivo" saves and opens the next indicator, the worklist says
// how late the period is and how far each objective is; a year without a
// target says so and a value saved there is "senza target", not missing.
func TestEntryFlowNextBackAndNoTarget(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	addUser(t, pool, "dir.promozione", auth.Dirigente, "dir-prm")
	srv := httptest.NewServer(app)
	defer srv.Close()
	dir := client(t)
	signIn(t, dir, srv.URL, "dir.promozione", testPassword)
	if _, err := pool.Exec(t.Context(), `UPDATE periods SET entry_deadline = current_date - 3 WHERE year = 2024 AND kind = 'midyear'`); err != nil {
		t.Fatal(err)
	}

	filter := "&obiettivo=O.3.3.1&stato=todo"
	_, body := fetch(t, dir, srv.URL+refPlan+"/misurazioni"+mid24+filter)
	mustContain(t, body, "scaduto da 3 giorni", "0 di 9 compilati", "target non fissato per il 2024",
		`/misurazioni/O.3.3.1/1?periodo=2024-midyear&amp;obiettivo=O.3.3.1&amp;stato=todo"`)
	if strings.Contains(body, "O.1.1.8/1") {
		t.Error("the filter by objective lets other objectives through")
	}

	entry := srv.URL + entryPath + mid24 + filter
	_, body = fetch(t, dir, entry)
	mustContain(t, body, "Torna all'elenco", "Indicatore 1 di 9", "Salva e passa al successivo", "target non fissato per il 2024",
		`/misurazioni?periodo=2024-midyear&amp;obiettivo=O.3.3.1&amp;stato=todo#r-O.3.3.1/1"`,
		`action="/enti/cciaa-gran-sasso/piani/piao-2023-2025/misurazioni/O.3.3.1/1?periodo=2024-midyear&amp;obiettivo=O.3.3.1&amp;stato=todo"`)

	// a refused save: an error summary at the top, linked to the field, focused
	res, body := postMultipart(t, dir, entry, map[string]string{"valore": "tanti", "versione": "0", "azione": "avanti"}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad value: %d", res.StatusCode)
	}
	mustContain(t, body, `id="riepilogo-errori"`, `autofocus`, `href="#valore"`, "nulla è stato salvato")

	// "Salva e passa al successivo": saved, then the next indicator of the filtered list
	nr := noRedirect(dir)
	res, _ = postMultipart(t, nr, entry, map[string]string{"valore": "183", "versione": "0", "azione": "avanti"}, nil)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/misurazioni/O.3.3.1/2?periodo=2024-midyear&obiettivo=O.3.3.1&stato=todo") ||
		!strings.Contains(loc, "salvato_prima=O.3.3.1%2F1") {
		t.Fatalf("save and next: %d %q", res.StatusCode, loc)
	}
	_, body = fetch(t, dir, srv.URL+loc)
	mustContain(t, body, `role="status"`, "Misurazione O.3.3.1/1 salvata in bozza", "Indicatore 1 di 8")

	// the value saved without a target is stored and scored "senza target", explained
	_, body = fetch(t, dir, srv.URL+entryPath+mid24)
	mustContain(t, body, "Senza target", "escluso dalle medie", "183")
	if strings.Contains(body, "Dato mancante") {
		t.Error("a value without a target still shows as missing")
	}
	_, body = fetch(t, dir, srv.URL+refPlan+"/misurazioni"+mid24+"&obiettivo=O.3.3.1")
	mustContain(t, body, "1 di 9 compilati")
}

// "Salva e invia tutto" counts what it will send — the rows typed now and the
// drafts saved before — and sends it only once confirmed; an error names its
// row and links to it; the outcome says how many were saved and sent.
func TestGridSendsDraftsAfterACount(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	addUser(t, pool, "dir.promozione", auth.Dirigente, "dir-prm")
	srv := httptest.NewServer(app)
	defer srv.Close()
	dir := client(t)
	signIn(t, dir, srv.URL, "dir.promozione", testPassword)
	// a draft saved earlier from the entry form
	if res, _ := postMultipart(t, dir, srv.URL+entryPath+mid24, map[string]string{"valore": "183", "versione": "0", "azione": "salva"}, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d", res.StatusCode)
	}
	grid := srv.URL + refPlan + "/misurazioni/griglia" + mid24
	_, body := fetch(t, dir, grid)
	mustContain(t, body, "invia anche 1 bozza già salvata", `id="r-O.3.3.1/6"`)
	a, v := gridRow(t, body, "O.3.3.1/1")
	b, _ := gridRow(t, body, "O.3.3.1/6")
	form := url.Values{"azione": {"invia"},
		"r" + a + ".chiave": {"O.3.3.1/1"}, "r" + a + ".versione": {v}, "r" + a + ".valore": {"183"},
		"r" + b + ".chiave": {"O.3.3.1/6"}, "r" + b + ".versione": {"0"}, "r" + b + ".in_numerator": {"299"}, "r" + b + ".in_denominator": {"0"}}
	// an error: the summary names the row and links to its field
	res, body := postForm(t, dir, grid, form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad row: %d", res.StatusCode)
	}
	mustContain(t, body, `id="riepilogo-errori"`, `href="#r`+b+`.in_denominator"`, "O.3.3.1/6 ", "il denominatore non può essere zero")
	// the count before sending: one typed now, one draft; nothing saved yet
	form.Set("r"+b+".in_denominator", "300")
	res, body = postForm(t, dir, grid, form)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("confirmation: %d", res.StatusCode)
	}
	mustContain(t, body, "Stai per inviare al Segretario Generale 2 misurazioni: 1 compilata o modificata ora e 1 bozza già salvata.",
		`value="invia-confermato"`, `value="300"`)
	var n int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM measurements`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d measurements before confirming, want the 1 draft (%v)", n, err)
	}
	form.Set("azione", "invia-confermato")
	res, _ = postForm(t, noRedirect(dir), grid, form)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "salvate=2&inviate=2") {
		t.Fatalf("send: %d %q", res.StatusCode, loc)
	}
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM measurements WHERE status = 'submitted'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d submitted, want 2 (%v)", n, err)
	}
	_, body = fetch(t, dir, srv.URL+loc)
	mustContain(t, body, `role="status"`, "2 misurazioni salvate e inviate al Segretario Generale.")
}
