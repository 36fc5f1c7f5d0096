package server_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
)

const entryPath = refPlan + "/misurazioni/O.3.3.1/1" // mediations: direct, ≥ 200, owned by dir-prm
const ratioPath = refPlan + "/misurazioni/O.3.3.1/6" // certificates of origin: ratio × 100
const period = "?periodo=2023-final"

// multipartForm builds a form body with optional files (name → content) in the field fileField.
func multipartForm(t *testing.T, fields map[string]string, fileField string, files map[string][]byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range files {
		fw, err := mw.CreateFormFile(fileField, name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

// postMultipart posts a form with evidence files (the entry form's "allegati").
func postMultipart(t *testing.T, c *http.Client, url string, fields map[string]string, files map[string][]byte) (*http.Response, string) {
	t.Helper()
	return postFiles(t, c, url, fields, "allegati", files)
}

func postFiles(t *testing.T, c *http.Client, url string, fields map[string]string, fileField string, files map[string][]byte) (*http.Response, string) {
	t.Helper()
	ct, body := multipartForm(t, fields, fileField, files)
	res, err := c.Post(url, ct, body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func version(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="versione" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no version in the page")
	}
	return m[1]
}

func TestReportingWorkflowInTheBrowserForms(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	addUser(t, pool, "dir.promozione", auth.Dirigente, "dir-prm")
	srv := httptest.NewServer(app)
	defer srv.Close()
	ref, dir, sg := client(t), client(t), client(t)
	signIn(t, ref, srv.URL, "referente", testPassword)
	signIn(t, dir, srv.URL, "dir.promozione", testPassword)
	signIn(t, sg, srv.URL, "segretario", testPassword)

	// the referente's worklist holds O.3.3.1's indicators, all to fill
	_, body := fetch(t, ref, srv.URL+refPlan+"/misurazioni"+period)
	mustContain(t, body, "Le mie misurazioni", "O.3.3.1/1", "Numero di mediazione avviate", "Da compilare", "≥ 200")
	if strings.Contains(body, "O.1.1.8/1") {
		t.Error("the referente sees indicators of another area")
	}

	// bad input: a message beside the field, what was typed is kept, nothing saved
	res, body := postMultipart(t, ref, srv.URL+entryPath+period, map[string]string{"valore": "1,234.5", "versione": "0", "azione": "salva"}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad number: %d", res.StatusCode)
	}
	mustContain(t, body, "dopo la virgola vanno solo cifre decimali", `value="1,234.5"`, "nulla è stato salvato")
	// a referente cannot submit
	res, _ = postMultipart(t, ref, srv.URL+entryPath+period, map[string]string{"valore": "183", "versione": "0", "azione": "invia"}, nil)
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("referente submit: %d", res.StatusCode)
	}
	// a draft with an Italian number and a PDF as evidence
	res, _ = postMultipart(t, ref, srv.URL+entryPath+period, map[string]string{"valore": "1.183", "versione": "0", "azione": "salva",
		"nota": "Dal registro delle mediazioni"}, map[string][]byte{"registro.pdf": []byte("%PDF-1.7 registro")})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d", res.StatusCode)
	}
	_, body = fetch(t, ref, srv.URL+entryPath+period+"&salvato=1")
	mustContain(t, body, "Misurazione salvata", "Bozza", "1.183", "registro.pdf", "Come è calcolato", "salvata in bozza", "1.183 ÷ 200 × 100")
	// the attachment downloads for the ente's users only, never inline
	att := regexp.MustCompile(`href="(/allegati/\d+)"`).FindStringSubmatch(body)
	if att == nil {
		t.Fatal("no attachment link")
	}
	res, data := fetch(t, sg, srv.URL+att[1])
	if res.StatusCode != 200 || data != "%PDF-1.7 registro" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") ||
		res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %d %q %v", res.StatusCode, data, res.Header)
	}
	other := client(t)
	signIn(t, other, srv.URL, "admin-altro-ente", testPassword)
	if res, _ := fetch(t, other, srv.URL+att[1]); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another ente's user downloads the evidence: %d", res.StatusCode)
	}
	// a file pretending to be a PDF is refused and nothing is saved
	v := version(t, body)
	res, body = postMultipart(t, ref, srv.URL+entryPath+period, map[string]string{"valore": "183", "versione": v, "azione": "salva"},
		map[string][]byte{"finto.pdf": []byte("<html><script>alert(1)</script>")})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "formato non ammesso") {
		t.Fatalf("fake pdf: %d", res.StatusCode)
	}

	// two people edit the same version: the later save gets a conflict showing the other value
	_, page := fetch(t, dir, srv.URL+entryPath+period)
	stale := version(t, page)
	if res, _ := postMultipart(t, ref, srv.URL+entryPath+period, map[string]string{"valore": "190", "versione": stale, "azione": "salva"}, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", res.StatusCode)
	}
	res, body = postMultipart(t, dir, srv.URL+entryPath+period, map[string]string{"valore": "183", "versione": stale, "azione": "invia"}, nil)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale save: %d", res.StatusCode)
	}
	mustContain(t, body, "Un'altra persona ha salvato", "190", `value="183"`)
	// saving again, knowingly, replaces it and submits
	res, _ = postMultipart(t, dir, srv.URL+entryPath+period, map[string]string{"valore": "183", "versione": version(t, body), "azione": "invia"}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", res.StatusCode)
	}

	// the SG sees it waiting, returns it with a comment; it is back in the worklist
	_, body = fetch(t, sg, srv.URL+refPlan+"/ritardi"+period)
	mustContain(t, body, "Da approvare (1)", "O.3.3.1/1", "Dirigente Area Promozione")
	_, body = fetch(t, sg, srv.URL+entryPath+period)
	// 183 of 200 at the final period is a scostamento: no approval without its motivazione
	mustContain(t, body, "Motivazione dello scostamento", "Incompleta:")
	res, err := sg.PostForm(srv.URL+entryPath+"/stato"+period, url.Values{"azione": {"approva"}, "versione": {version(t, body)}})
	if err != nil {
		t.Fatal(err)
	}
	refused, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusConflict || !strings.Contains(string(refused), "si approva solo con la motivazione dello scostamento completa") {
		t.Fatalf("approval of an unexplained scostamento: %d", res.StatusCode)
	}
	form := url.Values{"azione": {"restituisci"}, "versione": {version(t, body)}, "motivo": {""}}
	res, err = sg.PostForm(srv.URL+entryPath+"/stato"+period, form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("return without a comment: %d", res.StatusCode)
	}
	form.Set("motivo", "Allegare il verbale firmato")
	if res, err = sg.PostForm(srv.URL+entryPath+"/stato"+period, form); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %v %d", err, res.StatusCode)
	}
	_, body = fetch(t, dir, srv.URL+refPlan+"/misurazioni"+period+"&stato=returned")
	mustContain(t, body, "Restituita", "Allegare il verbale firmato")
	_, body = fetch(t, dir, srv.URL+entryPath+period)
	mustContain(t, body, "Obbligatoria:", "Cosa è successo", "Azione correttiva")
	// a motivazione in part is kept but still does not allow approval
	res, _ = postMultipart(t, dir, srv.URL+entryPath+period, map[string]string{"valore": "183", "versione": version(t, body), "azione": "salva",
		"scost_cosa": "Avviate 183 mediazioni su 200 previste."}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft with a partial motivazione: %d", res.StatusCode)
	}
	_, body = fetch(t, dir, srv.URL+entryPath+period)
	res, _ = postMultipart(t, dir, srv.URL+entryPath+period, map[string]string{"valore": "183", "versione": version(t, body), "azione": "invia",
		"scost_cosa": "Avviate 183 mediazioni su 200 previste.", "scost_perche": "Due conciliatori in meno da settembre.",
		"scost_azione": "Nuovo elenco di conciliatori dal 2024."}, map[string][]byte{"verbale.pdf": []byte("%PDF-1.4 verbale firmato")})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit after return: %d", res.StatusCode)
	}
	// approval: the public score of 3.3's operational objective appears only once the period is closed
	_, body = fetch(t, sg, srv.URL+entryPath+period)
	mustContain(t, body, "Due conciliatori in meno da settembre.", "Nuovo elenco di conciliatori dal 2024.")
	if res, err = sg.PostForm(srv.URL+entryPath+"/stato"+period, url.Values{"azione": {"approva"}, "versione": {version(t, body)}}); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %v %d", err, res.StatusCode)
	}
	_, body = fetch(t, sg, srv.URL+refPlan+"/obiettivi/O.3.3.1"+period)
	mustContain(t, body, "91,5%") // 183 / 200, visible to the ente's users before closing
	_, body = fetch(t, client(t), srv.URL+refPlan+"/obiettivi/O.3.3.1")
	if strings.Contains(body, "91,5%") {
		t.Error("the public sees a value of an open period")
	}
	if res, err = sg.PostForm(srv.URL+refPlan+"/periodi/2023-final", url.Values{"azione": {"chiudi"}, "conferma": {"1"}, "versione": {"1"}}); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %v %d", err, res.StatusCode)
	}
	_, body = fetch(t, client(t), srv.URL+refPlan+"/obiettivi/O.3.3.1")
	mustContain(t, body, "91,5%")
	// nothing changes in a closed period: no form, and a forced post is refused
	_, body = fetch(t, dir, srv.URL+entryPath+period)
	if strings.Contains(body, "Salva bozza") {
		t.Error("a closed period still offers the form")
	}
	res, _ = postMultipart(t, ref, srv.URL+ratioPath+period, map[string]string{"in_numerator": "9", "in_denominator": "10", "versione": "0", "azione": "salva"}, nil)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("save in a closed period: %d", res.StatusCode)
	}
	// reopening the period needs a reason
	if res, _ = sg.PostForm(srv.URL+refPlan+"/periodi/2023-final", url.Values{"azione": {"riapri"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("reopen without a reason: %d", res.StatusCode)
	}
	// the whole history is on the indicator's page
	_, body = fetch(t, sg, srv.URL+entryPath+period)
	for _, w := range []string{"salvata in bozza", "inviata per l&#39;approvazione", "restituita", "approvata", "Allegare il verbale firmato", "1.183 → 190", "190 → 183"} {
		if !strings.Contains(body, w) {
			t.Errorf("history lacks %q", w)
		}
	}
}

func TestGridSavesAllOrNothing(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ref := client(t)
	signIn(t, ref, srv.URL, "referente", testPassword)
	_, body := fetch(t, ref, srv.URL+refPlan+"/misurazioni/griglia"+period)
	// find the grid index of two indicators
	idx := func(key string) string {
		m := regexp.MustCompile(`name="r(\d+)\.chiave" value="` + regexp.QuoteMeta(key) + `"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s not in the grid", key)
		}
		return m[1]
	}
	a, b := idx("O.3.3.1/1"), idx("O.3.3.1/6")
	form := url.Values{"azione": {"salva"},
		"r" + a + ".chiave": {"O.3.3.1/1"}, "r" + a + ".versione": {"0"}, "r" + a + ".valore": {"183"},
		"r" + b + ".chiave": {"O.3.3.1/6"}, "r" + b + ".versione": {"0"}, "r" + b + ".in_numerator": {"299"}, "r" + b + ".in_denominator": {"0"}}
	res, err := ref.PostForm(srv.URL+refPlan+"/misurazioni/griglia"+period, form)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(page), "il denominatore non può essere zero") ||
		!strings.Contains(string(page), "nessuna riga è stata salvata") {
		t.Fatalf("bad row: %d\n%s", res.StatusCode, page)
	}
	var n int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM measurements`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d measurements saved despite a bad row", n)
	}
	form.Set("r"+b+".in_denominator", "300")
	if res, err = ref.PostForm(srv.URL+refPlan+"/misurazioni/griglia"+period, form); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("good grid: %v %d", err, res.StatusCode)
	}
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM measurements WHERE status = 'draft'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d drafts, want 2", n)
	}
	// the computed result of a ratio: 299 / 300 × 100 = 99,67%
	_, body = fetch(t, ref, srv.URL+ratioPath+period)
	mustContain(t, body, "99,67%")
}

func TestAdministratorSetsDeadlines(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	for _, bad := range []string{"31/02/2024", "2024-07-31", "01/01/2023", "<script>"} {
		res, err := admin.PostForm(srv.URL+refPlan+"/periodi/2024-midyear/scadenza", url.Values{"scadenza": {bad}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), "non valida") || strings.Contains(string(b), "<script>") {
			t.Errorf("%q: %d", bad, res.StatusCode)
		}
	}
	res, err := admin.PostForm(srv.URL+refPlan+"/periodi/2024-midyear/scadenza", url.Values{"scadenza": {"15/09/2024"}, "versione": {"1"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deadline: %v %d", err, res.StatusCode)
	}
	_, body := fetch(t, admin, srv.URL+refPlan+"/periodi")
	mustContain(t, body, `value="15/09/2024"`)
}
