package server_test

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scores"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
	"github.com/piao-performance/piao/internal/testpdf"
)

// minimalPDF is a tiny but real PDF document: the validation's attachment.
const minimalPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

func postForm(t *testing.T, c *http.Client, u string, v url.Values) (*http.Response, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestOIVJourney: the OIV verifies the chain (and sees a tamper named),
// records an observation and the validation, and the year's results become
// public on the transparency page with the validation document.
func TestOIVJourney(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	importFixture(t, pool, true)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	closeFinalOn(t, pool, 2023, "2024-02-15") // the validation below is dated after the close
	oiv := client(t)
	if res := signIn(t, oiv, srv.URL, "oiv", testPassword); res.Header.Get("Location") != refPlan+"/oiv" {
		t.Fatalf("oiv lands on %q", res.Header.Get("Location"))
	}

	// The chain: intact, then an event altered behind the application's back is named.
	res, body := postForm(t, oiv, srv.URL+refPlan+"/oiv/verifica", nil)
	if res.StatusCode != 200 {
		t.Fatalf("verify: %d", res.StatusCode)
	}
	mustContain(t, body, "Catena integra", "La catena è propria di questo ente", "piao audit verify --ente cciaa-gran-sasso --anchor ")
	// only the owner can switch the guards off: the application's role cannot
	if _, err := pool.Exec(ctx, `ALTER TABLE audit_events DISABLE TRIGGER USER`); err == nil {
		t.Fatal("the application's role switched the audit triggers off")
	}
	owner := testdb.OwnerPool(t, pool)
	const third = `seq = 3 AND ente_id = (SELECT id FROM enti WHERE slug = 'cciaa-gran-sasso')`
	if _, err := owner.Exec(ctx, `ALTER TABLE audit_events DISABLE TRIGGER USER; UPDATE audit_events SET reason = 'ritoccato' WHERE `+third+`;
		ALTER TABLE audit_events ENABLE TRIGGER USER`); err != nil {
		t.Fatal(err)
	}
	res, body = postForm(t, oiv, srv.URL+refPlan+"/oiv/verifica", nil)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("verify after tamper: %d", res.StatusCode)
	}
	mustContain(t, body, "Catena interrotta all&#39;evento n. 3", "il contenuto dell&#39;evento è stato modificato")
	if _, err := owner.Exec(ctx, `ALTER TABLE audit_events DISABLE TRIGGER USER; UPDATE audit_events SET reason = '' WHERE `+third+`;
		ALTER TABLE audit_events ENABLE TRIGGER USER`); err != nil {
		t.Fatal(err)
	}

	// Observations: bad input is answered next to the fields and nothing is stored.
	res, body = postForm(t, oiv, srv.URL+refPlan+"/oiv/osservazioni", url.Values{"anno": {"2023"}, "oggetto": {"X.9"}, "osservazione": {"  "}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty observation: %d", res.StatusCode)
	}
	mustContain(t, body, "Scrivi l&#39;osservazione.", `id="riepilogo-errori"`, `href="#osservazione"`) // a summary on top, linked to the field
	res, body = postForm(t, oiv, srv.URL+refPlan+"/oiv/osservazioni", url.Values{"anno": {"2023"}, "oggetto": {"X.9"}, "osservazione": {"Fonte del dato da chiarire"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown objective: %d", res.StatusCode)
	}
	mustContain(t, body, "non esiste in questo piano", "Fonte del dato da chiarire") // the text is kept
	res, _ = postForm(t, oiv, srv.URL+refPlan+"/oiv/osservazioni", url.Values{"anno": {"2023"}, "oggetto": {"O.3.3.1|O.3.3.1/1"},
		"osservazione": {"Il numero di mediazioni va riscontrato con il registro <b>dell'organismo</b>."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("observation: %d", res.StatusCode)
	}
	_, body = fetch(t, oiv, srv.URL+refPlan+"/oiv?anno=2023")
	mustContain(t, body, "Il numero di mediazioni va riscontrato con il registro &lt;b&gt;dell&#39;organismo&lt;/b&gt;.", "(indicatore O.3.3.1/1)")
	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	if res, _ := postForm(t, sg, srv.URL+refPlan+"/oiv/osservazioni", url.Values{"anno": {"2023"}, "oggetto": {"O.3.3.1"}, "osservazione": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("the Segretario Generale records an OIV observation: %d", res.StatusCode)
	}

	// Validation: every refusal keeps the typed values and stores nothing.
	fields := map[string]string{"anno": "2023", "esito": "validata_con_riserva", "data": "20/06/2024", "atto": "Verbale OIV n. 3/2024", "motivazione": "",
		"visto-2023": ""} // no validation yet when the form was built
	res, body = postFiles(t, oiv, srv.URL+refPlan+"/oiv/validazione", fields, "documento", map[string][]byte{"validazione.pdf": []byte(minimalPDF)})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("reserve without reasons: %d", res.StatusCode)
	}
	mustContain(t, body, "occorre scrivere la motivazione", "Verbale OIV n. 3/2024", `id="riepilogo-errori"`, `href="#motivazione"`)
	fields["motivazione"] = "Riserva sugli indicatori di benchmarking."
	res, body = postFiles(t, oiv, srv.URL+refPlan+"/oiv/validazione", fields, "documento", map[string][]byte{"validazione.pdf": []byte("<html>not a pdf</html>")})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("fake PDF: %d", res.StatusCode)
	}
	mustContain(t, body, "Documento non accettato")
	res, _ = postFiles(t, oiv, srv.URL+refPlan+"/oiv/validazione", map[string]string{"anno": "2023"}, "documento", nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty validation form: %d", res.StatusCode)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM relazione_validations`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("refused validations stored: %d %v", n, err)
	}
	// Before validation the year is not published.
	if res, _ := fetch(t, client(t), srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023"); res.StatusCode != 404 {
		t.Errorf("unvalidated Relazione public: %d", res.StatusCode)
	}
	res, _ = postFiles(t, oiv, srv.URL+refPlan+"/oiv/validazione", fields, "documento", map[string][]byte{"validazione 2023.pdf": []byte(minimalPDF)})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("validation: %d", res.StatusCode)
	}
	var detail string
	if err := pool.QueryRow(ctx, `SELECT detail::text FROM audit_events WHERE action = 'oiv.validation'`).Scan(&detail); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(minimalPDF))
	if !strings.Contains(detail, hex.EncodeToString(sum[:])) || !strings.Contains(detail, "validata_con_riserva") {
		t.Errorf("validation audit event: %s", detail)
	}

	// The public now sees the year: page, Relazione without individual scorecards, the document.
	anon := client(t)
	_, body = fetch(t, anon, srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025")
	mustContain(t, body, "Anno 2023", "Validata con riserva", "dall'OIV il 20/06/2024", "CC-BY 4.0", "Ultimo aggiornamento",
		"/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023/obiettivi-strategici.csv", "indicators.csv")
	res, body = fetch(t, anon, srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023")
	if res.StatusCode != 200 || strings.Contains(body, "Schede di valutazione individuale") {
		t.Fatalf("public Relazione: %d, individual scorecards shown: %v", res.StatusCode, strings.Contains(body, "Schede di valutazione"))
	}
	mustContain(t, body, "Il numero di mediazioni va riscontrato", "Validata con riserva")
	res, doc := fetch(t, anon, srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023/validazione")
	if res.StatusCode != 200 || doc != minimalPDF || res.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("validation document: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// the published PDF carries the engine's ente score, computed on public data
	st := store.New(pool)
	h, _ := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	p, _ := st.Period(ctx, h.ID, 2023, "final")
	card, err := scores.Load(ctx, st, h, p, model.Public)
	if err != nil {
		t.Fatal(err)
	}
	res, pdf := fetch(t, anon, srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023/relazione.pdf")
	if res.StatusCode != 200 || !strings.HasPrefix(pdf, "%PDF") {
		t.Fatalf("public PDF: %d", res.StatusCode)
	}
	text := strings.Join(testpdf.Pages(t, []byte(pdf)), "\n")
	for _, want := range []string{itfmt.Number(card.Result.Ente.Value, 2) + "%", "Validata con riserva il 20/06/2024 (Verbale OIV n. 3/2024)",
		"Osservazioni dell'OIV", "Il numero di mediazioni va riscontrato"} {
		if !strings.Contains(text, want) {
			t.Errorf("public PDF lacks %q", want)
		}
	}
	if strings.Contains(text, "Schede di valutazione individuale") {
		t.Error("public PDF has the individual scorecards")
	}
	// the editable formats carry the same sections, the scostamenti included
	for file, part := range map[string]string{"relazione.odt": "content.xml", "relazione.docx": "word/document.xml"} {
		res, body := fetch(t, anon, srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023/"+file)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/vnd.") {
			t.Fatalf("public %s: %d %s", file, res.StatusCode, res.Header.Get("Content-Type"))
		}
		z, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		f, err := z.Open(part)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		xml, _ := io.ReadAll(f)
		f.Close()
		for _, want := range []string{"Relazione sulla performance 2023", "Scostamenti e motivazioni", "Osservazioni dell&#39;OIV",
			itfmt.Number(card.Result.Ente.Value, 2) + "%"} {
			if !strings.Contains(string(xml), want) {
				t.Errorf("%s lacks %q", file, want)
			}
		}
		if strings.Contains(string(xml), "Schede di valutazione individuale") {
			t.Errorf("public %s has the individual scorecards", file)
		}
	}
}

// TestAuditTrailPageAndExport: filters narrow the list and the export holds
// exactly the filtered events, in CSV and XLSX.
func TestAuditTrailPageAndExport(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	importFixture(t, pool, true)
	srv := httptest.NewServer(app)
	defer srv.Close()
	oiv := client(t)
	signIn(t, oiv, srv.URL, "oiv", testPassword)
	ctx := context.Background()
	var want int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events e JOIN enti x ON x.id = e.ente_id
		WHERE x.slug = 'cciaa-gran-sasso' AND e.action LIKE 'measurement.%'`).Scan(&want); err != nil || want == 0 {
		t.Fatalf("measurement events: %d %v", want, err)
	}
	res, body := fetch(t, oiv, srv.URL+refPlan+"/registro?azione=measurement.")
	if res.StatusCode != 200 {
		t.Fatalf("audit page: %d", res.StatusCode)
	}
	if strings.Contains(body, "<code>auth.sign_in</code>") || strings.Contains(body, ">Accesso <") {
		t.Error("the filter let sign-ins through")
	}
	// actions in Italian beside their code, details as readable lines (no raw JSON)
	mustContain(t, body, "registro-audit.csv?azione=measurement.", `Misurazione importata <span class="d-block small text-secondary"><code>measurement.import</code>`,
		`<ul class="list-unstyled mb-0 small"><li><strong>`)
	if strings.Contains(body, `<code>{`) {
		t.Error("the audit page shows raw JSON details")
	}
	res, body = fetch(t, oiv, srv.URL+refPlan+"/registro?dal=31/02/2024")
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad date: %d", res.StatusCode)
	}
	mustContain(t, body, "Scrivi la data come gg/mm/aaaa.", `value="31/02/2024"`)

	res, csvBody := fetch(t, oiv, srv.URL+refPlan+"/registro/registro-audit.csv?azione=measurement.")
	if res.StatusCode != 200 {
		t.Fatalf("CSV export: %d", res.StatusCode)
	}
	lines := strings.Split(strings.TrimSpace(csvBody), "\r\n")
	if len(lines)-1 != want || !strings.Contains(lines[0], "Impronta SHA-256") {
		t.Errorf("CSV export: %d events, want %d; header %q", len(lines)-1, want, lines[0])
	}
	res, xlsx := fetch(t, oiv, srv.URL+refPlan+"/registro/registro-audit.xlsx?azione=measurement.")
	if res.StatusCode != 200 {
		t.Fatalf("XLSX export: %d", res.StatusCode)
	}
	f, err := excelize.OpenReader(strings.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Registro di audit")
	if err != nil {
		t.Fatal(err)
	}
	events := 0
	for _, r := range rows {
		if len(r) > 3 && strings.HasPrefix(r[3], "measurement.") {
			events++
		}
	}
	if events != want {
		t.Errorf("XLSX export: %d events, want %d", events, want)
	}
	// a dirigente may not read the trail
	dir := client(t)
	signIn(t, dir, srv.URL, "dirigente", testPassword)
	if res, _ := fetch(t, dir, srv.URL+refPlan+"/registro/registro-audit.csv"); res.StatusCode != http.StatusForbidden {
		t.Errorf("dirigente exports the trail: %d", res.StatusCode)
	}
}

// TestEvidencePack: an objective's ZIP holds its sheet, the measurements with
// their history, and each attachment byte for byte with its SHA-256.
func TestEvidencePack(t *testing.T) {
	t.Parallel()
	srv, _, st, h := authServer(t)
	ctx := context.Background()
	p, err := st.Period(ctx, h.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	ind, err := st.EntryIndicator(ctx, h, "O.3.3.1/1", 2023)
	if err != nil {
		t.Fatal(err)
	}
	v := 207.0
	file := []byte(minimalPDF + "% verbale mediazioni\n")
	actor := auth.User{Username: "dir.promozione", Role: auth.Dirigente}
	if _, err := st.SaveEntry(ctx, h, store.EntryInput{Indicator: ind, Period: p, Value: &v, Note: new("dal registro"),
		Attachments: []store.NewAttachment{{Filename: "verbale mediazioni.pdf", ContentType: "application/pdf", Data: file}}}, actor); err != nil {
		t.Fatal(err)
	}
	dir := client(t)
	signIn(t, dir, srv.URL, "referente", testPassword)
	res, body := fetch(t, dir, srv.URL+refPlan+"/obiettivi/O.3.3.1/evidenze.zip")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("evidence pack: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(b)
	}
	if got := files["allegati/O.3.3.1-1/2023-final/verbale mediazioni.pdf"]; got != string(file) {
		t.Errorf("attachment in the pack: %q (files %v)", got, keys(files))
	}
	sum := sha256.Sum256(file)
	if !strings.Contains(files["allegati.csv"], hex.EncodeToString(sum[:])) {
		t.Errorf("allegati.csv lacks the SHA-256: %s", files["allegati.csv"])
	}
	if !strings.Contains(files["misurazioni.csv"], "207") || !strings.Contains(files["misurazioni.csv"], "dal registro") {
		t.Errorf("misurazioni.csv: %s", files["misurazioni.csv"])
	}
	if !strings.Contains(files["storico.csv"], "measurement.") || !strings.Contains(files["storico.csv"], "dir.promozione") {
		t.Errorf("storico.csv: %s", files["storico.csv"])
	}
	text := strings.Join(testpdf.Pages(t, []byte(files["scheda-obiettivo.pdf"])), "\n")
	for _, want := range []string{"Scheda dell'obiettivo O.3.3.1", "Numero di mediazione avviate", "mediazioni.pdf", "Storico delle modifiche"} {
		if !strings.Contains(text, want) {
			t.Errorf("objective sheet lacks %q", want)
		}
	}
	// the objective page links the pack for the ente's users only
	_, page := fetch(t, dir, srv.URL+refPlan+"/obiettivi/O.3.3.1")
	mustContain(t, page, refPlan+"/obiettivi/O.3.3.1/evidenze.zip")
	if _, page := fetch(t, client(t), srv.URL+refPlan+"/obiettivi/O.3.3.1"); strings.Contains(page, "evidenze.zip") {
		t.Error("the public sees the evidence pack link")
	}
	// another ente's administrator does not even learn that it exists
	other := client(t)
	signIn(t, other, srv.URL, "admin-altro-ente", testPassword)
	if res, _ := fetch(t, other, srv.URL+refPlan+"/obiettivi/O.3.3.1/evidenze.zip"); res.StatusCode != 404 {
		t.Errorf("other ente: %d", res.StatusCode)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
