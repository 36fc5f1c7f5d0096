package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
)

const mid24 = "?periodo=2024-midyear"

// signInNext signs in with the sign-in form's next (the 303 is not followed).
func signInNext(t *testing.T, c *http.Client, base, next string) *http.Response {
	t.Helper()
	res, err := c.PostForm(base+"/accedi", url.Values{"username": {"dir.promozione"}, "password": {testPassword}, "next": {next}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
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
	if _, err := pool.Exec(t.Context(), `UPDATE periods SET entry_deadline = (now() AT TIME ZONE 'Europe/Rome')::date - 3 WHERE year = 2024 AND kind = 'midyear'`); err != nil {
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
	res, _ = postMultipart(t, dir, entry, map[string]string{"valore": "183", "versione": "0", "azione": "avanti"}, nil)
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
	res, _ = postForm(t, dir, grid, form)
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

// A save posted after the session expired loses nothing: the values are kept
// under a one-time token, the user signs in and lands on the same form with
// them restored (nothing saved meanwhile); the token works once.
func TestExpiredSessionRestoresTypedValues(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	addUser(t, pool, "dir.promozione", auth.Dirigente, "dir-prm")
	srv := httptest.NewServer(app)
	defer srv.Close()
	dir := client(t)
	signIn(t, dir, srv.URL, "dir.promozione", testPassword)
	entry := srv.URL + entryPath + mid24 + "&obiettivo=O.3.3.1"
	fetch(t, dir, entry)
	if _, err := pool.Exec(t.Context(), `DELETE FROM sessions`); err != nil { // the session expires while he types
		t.Fatal(err)
	}
	res, _ := postMultipart(t, dir, entry, map[string]string{"valore": "1.234,5", "versione": "0", "azione": "avanti",
		"nota": "Dal registro, nota lunga da non perdere"}, nil)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/accedi?next=") {
		t.Fatalf("expired save: %d %q", res.StatusCode, loc)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	next := u.Query().Get("next")
	if !strings.Contains(next, "/misurazioni/O.3.3.1/1?") || !strings.Contains(next, "ripristino=") || !strings.Contains(next, "obiettivo=O.3.3.1") {
		t.Fatalf("next: %q", next)
	}
	_, body := fetch(t, dir, srv.URL+loc)
	mustContain(t, body, "La sessione è scaduta")
	var n int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM measurements`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d measurements saved without a session (%v)", n, err)
	}
	// signing in goes back to the form, filled as it was typed, nothing saved yet
	res = signInNext(t, dir, srv.URL, next)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != next {
		t.Fatalf("sign-in goes to %d %q, want %q", res.StatusCode, res.Header.Get("Location"), next)
	}
	_, body = fetch(t, dir, srv.URL+next)
	mustContain(t, body, `id="ripristinato"`, "i valori che avevi inserito sono stati ripristinati", `value="1.234,5"`,
		"Dal registro, nota lunga da non perdere", "Salva e passa al successivo")
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM measurements`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d measurements saved by the restore (%v)", n, err)
	}
	// the token works once
	if _, body = fetch(t, dir, srv.URL+next); strings.Contains(body, `value="1.234,5"`) || strings.Contains(body, `id="ripristinato"`) {
		t.Fatal("a restore token worked twice")
	}
	// saving the restored form works as usual
	res, _ = postMultipart(t, dir, entry, map[string]string{"valore": "1.234,5", "versione": "0", "azione": "salva"}, nil)
	if res.StatusCode != http.StatusSeeOther || strings.HasPrefix(res.Header.Get("Location"), "/accedi") {
		t.Fatalf("save after restore: %d %q", res.StatusCode, res.Header.Get("Location"))
	}

	// the grid too
	if _, err := pool.Exec(t.Context(), `DELETE FROM sessions`); err != nil {
		t.Fatal(err)
	}
	grid := srv.URL + refPlan + "/misurazioni/griglia" + mid24
	res, _ = postForm(t, dir, grid, url.Values{"azione": {"salva"}, "r0.chiave": {"O.3.3.1/2"}, "r0.versione": {"0"}, "r0.valore": {"77"}})
	u, _ = url.Parse(res.Header.Get("Location"))
	next = u.Query().Get("next")
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(next, "/misurazioni/griglia?") {
		t.Fatalf("expired grid: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	signInNext(t, dir, srv.URL, next)
	_, body = fetch(t, dir, srv.URL+next)
	i, _ := gridRow(t, body, "O.3.3.1/2")
	mustContain(t, body, `id="ripristinato"`, `name="r`+i+`.valore" value="77"`)
}

// The file field states the server's limits and carries them for the
// browser's check; an upload sent by htmx (for its progress bar) ends in a
// full page load of the saved entry, a refused one answers with the form.
func TestUploadLimitsStatedAndHtmxUpload(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	addUser(t, pool, "dir.promozione", auth.Dirigente, "dir-prm")
	srv := httptest.NewServer(app)
	defer srv.Close()
	dir := client(t)
	signIn(t, dir, srv.URL, "dir.promozione", testPassword)
	_, body := fetch(t, dir, srv.URL+entryPath+mid24)
	mustContain(t, body, "Al massimo 5 file per volta, ciascuno fino a 10 MB. In tutto la misurazione può avere 10 allegati per 50 MB.",
		`data-max-size="10485760"`, `data-max-files="5"`, `accept=".pdf,.odt,.docx,.xlsx,.png,.jpg,.jpeg"`,
		`data-upload="allegati"`, `<progress max="100" value="0"`)

	post := func(files map[string][]byte) (*http.Response, string) {
		ct, b := multipartForm(t, map[string]string{"valore": "183", "versione": "0", "azione": "salva"}, "allegati", files)
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+entryPath+mid24, b)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ct)
		req.Header.Set("HX-Request", "true")
		res, err := dir.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res, string(out)
	}
	res, body := post(map[string][]byte{"finto.pdf": []byte("<html>no</html>")})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "formato non ammesso") || !strings.Contains(body, `id="riepilogo-errori"`) {
		t.Fatalf("refused upload: %d", res.StatusCode)
	}
	res, _ = post(map[string][]byte{"registro.pdf": []byte("%PDF-1.7 registro")})
	if res.StatusCode != http.StatusNoContent || !strings.Contains(res.Header.Get("HX-Redirect"), "/misurazioni/O.3.3.1/1?periodo=2024-midyear") {
		t.Fatalf("htmx upload: %d %q", res.StatusCode, res.Header.Get("HX-Redirect"))
	}
	_, body = fetch(t, dir, srv.URL+res.Header.Get("HX-Redirect"))
	mustContain(t, body, "registro.pdf", "Già allegati: 1.")
}
