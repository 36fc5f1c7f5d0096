package server_test

import (
	"archive/zip"
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/narrative"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testpdf"
)

// TestRelazioneDraftPages: the Segretario Generale creates the prose draft of
// a year, edits a section beside the generated text (bad input 422 with the
// error summary, a stale form 409), sees the difference a new generation
// would make and confirms it, then sends the draft to the OIV, who reads it;
// from then on every write is refused with 409. Malformed input never 500s.
func TestRelazioneDraftPages(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	st := store.New(pool)
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	page := srv.URL + refPlan + "/relazione/2023/bozza"
	section := page + "/sezioni/sintesi"
	sg, oiv := client(t), client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	signIn(t, oiv, srv.URL, "oiv", testPassword)

	// before the draft: the OIV reads that there is none; the Segretario may create it
	if res, body := fetch(t, oiv, page); res.StatusCode != http.StatusOK || !strings.Contains(body, "non è ancora stata creata") ||
		strings.Contains(body, "Crea la bozza") {
		t.Fatalf("OIV before the draft: %d", res.StatusCode)
	}
	if res, body := fetch(t, sg, page); res.StatusCode != http.StatusOK || !strings.Contains(body, "Crea la bozza dai dati") {
		t.Fatalf("Segretario before the draft: %d", res.StatusCode)
	}
	// a section form without a draft sends to the draft's page
	if res, _ := fetch(t, sg, section); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("section without a draft: %d", res.StatusCode)
	}
	if res, _ := postForm(t, sg, page, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	res, body := fetch(t, sg, page)
	for _, want := range []string{"Presentazione e sintesi per i cittadini", "Contesto e risorse", "Pari opportunità e bilancio di genere",
		"Processo di redazione della Relazione", "Fonti dei dati", `href="#fonte-sintesi-1"`, `id="fonte-sintesi-1"`,
		"tabella «Ambiti strategici», riga Ente", "Sezione da scrivere a cura del Segretario Generale", "Invia all'OIV", "Rigenera"} {
		if !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("draft page lacks %q", want)
		}
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("draft page: %d", res.StatusCode)
	}
	// a sentence with three sources: one superscript, the numbers apart ("2, 3, 4", not "234")
	if !strings.Contains(body, `<sup><a href="#fonte-albero-2" aria-label="fonte 2">2</a>, <a href="#fonte-albero-3" aria-label="fonte 3">3</a>, `+
		`<a href="#fonte-albero-4" aria-label="fonte 4">4</a></sup>`) {
		t.Error("the notes of a sentence with several sources are not apart")
	}
	if res, _ := postForm(t, sg, page, url.Values{}); res.StatusCode != http.StatusConflict {
		t.Errorf("second create: %d, want 409", res.StatusCode)
	}

	// the section form: a labelled textarea with the current text and the generated text beside it
	res, body = fetch(t, sg, section)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `<label for="testo"`) || !strings.Contains(body, `name="versione" value="1"`) ||
		!strings.Contains(body, "Testo generato dai dati, per confronto") {
		t.Fatalf("section form: %d", res.StatusCode)
	}
	// bad input: 422 with the error summary, nothing stored
	res, body = postForm(t, sg, section, url.Values{"testo": {"  "}, "azione": {"salva"}, "versione": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="riepilogo-errori"`) || !strings.Contains(body, `href="#testo"`) ||
		!strings.Contains(body, `id="testo-errore"`) {
		t.Fatalf("empty text: %d", res.StatusCode)
	}
	for _, bad := range []url.Values{
		{"testo": {"a\x00b"}, "versione": {"1"}},
		{"testo": {strings.Repeat("é", 20001)}, "versione": {"1"}},
	} {
		if res, _ := postForm(t, sg, section, bad); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad text: %d, want 422", res.StatusCode)
		}
	}
	if res, _ := postForm(t, sg, section, url.Values{"testo": {"x"}, "azione": {"<script>"}, "versione": {"1"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown action: %d, want 400", res.StatusCode)
	}
	for _, u := range []string{page + "/sezioni/nessuna", srv.URL + refPlan + "/relazione/abc/bozza/sezioni/sintesi", srv.URL + refPlan + "/relazione/1999/bozza/sezioni/sintesi"} {
		if res, _ := postForm(t, sg, u, url.Values{"testo": {"x"}, "versione": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", u, res.StatusCode)
		}
	}
	if d, _ := st.RelazioneDraft(ctx, h.ID, 2023); d.Version != 1 {
		t.Fatalf("refused input changed the draft: version %d", d.Version)
	}
	// a good save, then the same form again: 409 with the current version
	if res, _ := postForm(t, sg, section, url.Values{"testo": {"Testo del Segretario <b>.\n\nSecondo paragrafo."}, "azione": {"salva"}, "versione": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	res, body = postForm(t, sg, section, url.Values{"testo": {"Altro"}, "versione": {"1"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Nel frattempo") || !strings.Contains(body, `name="versione" value="2"`) {
		t.Fatalf("stale save: %d", res.StatusCode)
	}
	if res, _ := postForm(t, sg, section, url.Values{"testo": {"Altro"}, "versione": {"abc"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("malformed version: %d, want 409", res.StatusCode)
	}
	_, body = fetch(t, sg, page)
	if !strings.Contains(body, "<p>Testo del Segretario &lt;b&gt;.</p>") || !strings.Contains(body, "<p>Secondo paragrafo.</p>") ||
		!strings.Contains(body, "Testo modificato") {
		t.Error("the edited text is not shown (escaped, in paragraphs)")
	}

	// rigenera: the difference, marked in text, and a confirmation
	regen := section + "/rigenera"
	res, body = fetch(t, sg, regen)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "<del>") || !strings.Contains(body, "<ins>") ||
		!strings.Contains(body, "[tolto: ") || !strings.Contains(body, "[aggiunto: ") || !strings.Contains(body, "Sostituisci con il testo generato") {
		t.Fatalf("rigenera: %d", res.StatusCode)
	}
	m := regexp.MustCompile(`name="impronta" value="([0-9a-f]{64})"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no fingerprint in the rigenera form")
	}
	if res, _ := postForm(t, sg, regen, url.Values{"versione": {"2"}, "impronta": {"0000"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("another fingerprint: %d, want 409", res.StatusCode)
	}
	if res, _ := postForm(t, sg, regen, url.Values{"versione": {"2"}, "impronta": {m[1]}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm rigenera: %d", res.StatusCode)
	}
	if d, _ := st.RelazioneDraft(ctx, h.ID, 2023); d.Version != 3 || d.Section("sintesi").Edited != nil {
		t.Fatalf("after rigenera: version %d, edited %v", d.Version, d.Section("sintesi").Edited)
	}
	if res, _ := fetch(t, sg, page+"/sezioni/contesto-risorse/rigenera"); res.StatusCode != http.StatusNotFound {
		t.Errorf("rigenera of a free section: %d, want 404", res.StatusCode)
	}
	// a free section takes the Segretario's text
	if res, _ := postForm(t, sg, page+"/sezioni/contesto-risorse", url.Values{"testo": {"La Camera ha 40 dipendenti."}, "versione": {"3"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("free section: %d", res.StatusCode)
	}

	// the downloads carry the text before the tables
	for _, file := range []string{"relazione.odt", "relazione.docx"} {
		res, body := fetch(t, sg, srv.URL+refPlan+"/relazione/2023/"+file)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", file, res.StatusCode)
		}
		z, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		var xml string
		for _, f := range z.File {
			if f.Name == "content.xml" || f.Name == "word/document.xml" {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				xml = string(b)
			}
		}
		intro, free, table := strings.Index(xml, "Presentazione e sintesi per i cittadini"), strings.Index(xml, "La Camera ha 40 dipendenti."), strings.Index(xml, "Ambiti strategici</")
		if intro < 0 || free < intro || table < free {
			t.Errorf("%s: text at %d and %d, first table at %d", file, intro, free, table)
		}
	}
	res, body = fetch(t, sg, srv.URL+refPlan+"/relazione/2023/relazione.pdf")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("relazione.pdf: %d", res.StatusCode)
	}
	testpdf.Need(t)
	all := strings.Join(strings.Fields(strings.Join(testpdf.Pages(t, []byte(body)), " ")), " ")
	if !strings.Contains(all, "Presentazione e sintesi per i cittadini") || !strings.Contains(all, "La Camera ha 40 dipendenti.") {
		t.Error("the PDF lacks the text of the Relazione")
	}

	// the OIV may not write
	if res, _ := fetch(t, oiv, section); res.StatusCode != http.StatusForbidden {
		t.Errorf("OIV on the section form: %d, want 403", res.StatusCode)
	}
	// sent to the OIV: read-only for everyone
	if res, _ := postForm(t, sg, page+"/invia", url.Values{"versione": {"3"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("stale send: %d, want 409", res.StatusCode)
	}
	if res, _ := postForm(t, sg, page+"/invia", url.Values{"versione": {"4"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", res.StatusCode)
	}
	res, body = fetch(t, oiv, page)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Inviata all&#39;OIV") || !strings.Contains(body, "La Camera ha 40 dipendenti.") ||
		strings.Contains(body, "/bozza/sezioni/") {
		t.Errorf("OIV after sending: %d, edit links %v", res.StatusCode, strings.Contains(body, "/bozza/sezioni/"))
	}
	res, body = postForm(t, sg, section, url.Values{"testo": {"Dopo l'invio"}, "versione": {"5"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(html.UnescapeString(body), "non si può più modificare") {
		t.Errorf("edit after sending: %d, want 409", res.StatusCode)
	}
	if res, _ := fetch(t, sg, regen); res.StatusCode != http.StatusConflict {
		t.Errorf("rigenera after sending: %d, want 409", res.StatusCode)
	}
	var events int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action LIKE 'relazione.draft.%'`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if events != 5 { // create, edit, regenerate, edit of the free section, send
		t.Errorf("%d audit events, want 5", events)
	}
}

// TestRelazioneDraftPublished: the OIV's validation of the year freezes the
// draft, and the transparency page and the published ODT carry its text;
// before the validation they carry none.
func TestRelazioneDraftPublished(t *testing.T) {
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
		store.ImportOptions{Actor: seed.SampleActor, Status: "approved", ClosePeriods: true, Demo: true}); err != nil {
		t.Fatal(err)
	}
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	defer srv.Close()
	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	page := srv.URL + refPlan + "/relazione/2023/bozza"
	if res, _ := postForm(t, sg, page, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	_, body := fetch(t, sg, page)
	const sintesi = "Nel 2023 la performance organizzativa dell&#39;ente, calcolata come media degli ambiti strategici, è pari al 99,83%."
	if !strings.Contains(body, sintesi) {
		t.Fatal("the draft page lacks the generated sintesi of the demo year")
	}
	if res, _ := postForm(t, sg, page+"/invia", url.Values{"versione": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", res.StatusCode)
	}
	pub := srv.URL + "/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023"
	v := model.Validation{Year: 2023, Outcome: model.Validated, DecidedOn: time.Now().In(itfmt.Rome()), DocumentName: "validazione.pdf",
		DocumentType: "application/pdf", Document: []byte("%PDF-1.4 x")}
	if err := st.SetValidation(ctx, h, v, "", "oiv"); err != nil {
		t.Fatal(err)
	}
	if d, err := st.RelazioneDraft(ctx, h.ID, 2023); err != nil || d.Status != model.DraftValidata {
		t.Fatalf("after the validation: %+v %v", d.Status, err)
	}
	res, body := fetch(t, client(t), pub)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, sintesi) || !strings.Contains(html.UnescapeString(body), "Testo validato dall'OIV") {
		t.Fatalf("published page: %d, text %v", res.StatusCode, strings.Contains(body, sintesi))
	}
	// the individual scorecards are personal data: the frozen draft speaks of
	// them, the published text does not, neither on the page nor in the ODT
	const individual = "Le schede di valutazione individuale dell&#39;anno sono"
	if _, body := fetch(t, sg, page); !strings.Contains(body, individual) || !strings.Contains(body, "questa sezione è sostituita dalla frase") {
		t.Fatal("the draft lacks the aggregate of the individual scorecards, or the note on its publication")
	}
	if strings.Contains(body, individual) || !strings.Contains(body, narrative.PublicIndividual) {
		t.Errorf("the published text reports the individual scorecards (%v) or lacks the public sentence", strings.Contains(body, individual))
	}
	res, odt := fetch(t, client(t), pub+"/relazione.odt")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("published ODT: %d", res.StatusCode)
	}
	if x := odtContent(t, odt); strings.Contains(x, "Le schede di valutazione individuale") || !strings.Contains(x, narrative.PublicIndividual) {
		t.Errorf("the published ODT reports the individual scorecards (%v) or lacks the public sentence", strings.Contains(x, "Le schede di valutazione individuale"))
	}
	if res, _ := postForm(t, sg, page+"/sezioni/sintesi", url.Values{"testo": {"Dopo la validazione"}, "versione": {"3"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("edit of a validated draft: %d, want 409", res.StatusCode)
	}
}

// TestRelazioneDraftHiddenFromOIVUntilSent: the OIV reads the draft the
// Segretario Generale sends it, not the text he is still writing — neither
// on the draft's page nor in the PDF, ODT and DOCX of the Relazione — and
// reads it once sent. The ente's administrator still reads the bozza.
func TestRelazioneDraftHiddenFromOIVUntilSent(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	page := srv.URL + refPlan + "/relazione/2023/bozza"
	sg, oiv, admin := client(t), client(t), client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	signIn(t, oiv, srv.URL, "oiv", testPassword)
	signIn(t, admin, srv.URL, "admin", testPassword)
	if res, _ := postForm(t, sg, page, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	const draftText = "Appunti del Segretario ancora da rivedere."
	if res, _ := postForm(t, sg, page+"/sezioni/sintesi", url.Values{"testo": {draftText}, "versione": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	// generated text of the draft (the sintesi's is replaced): the data-quality section's
	const generated = "Il periodo di misurazione non è ancora chiuso"
	odt := func(c *http.Client) string {
		t.Helper()
		res, body := fetch(t, c, srv.URL+refPlan+"/relazione/2023/relazione.odt")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("relazione.odt: %d", res.StatusCode)
		}
		return odtContent(t, body)
	}
	for who, c := range map[string]*http.Client{"segretario": sg, "admin": admin} {
		if _, body := fetch(t, c, page); !strings.Contains(body, draftText) || !strings.Contains(html.UnescapeString(body), generated) {
			t.Errorf("%s does not read the bozza", who)
		}
	}
	res, body := fetch(t, oiv, page)
	body = html.UnescapeString(body)
	if res.StatusCode != http.StatusOK || strings.Contains(body, draftText) || strings.Contains(body, generated) ||
		!strings.Contains(body, "l'OIV la legge quando gli viene inviata") || strings.Contains(body, "Crea la bozza") {
		t.Errorf("the OIV on the unsent draft: %d, text shown %v", res.StatusCode, strings.Contains(body, draftText))
	}
	if x := odt(oiv); strings.Contains(x, draftText) || strings.Contains(x, generated) {
		t.Error("the OIV's ODT carries the unsent draft")
	}
	if x := odt(sg); !strings.Contains(x, draftText) {
		t.Error("the Segretario's ODT lacks his draft")
	}
	if res, _ := postForm(t, sg, page+"/invia", url.Values{"versione": {"2"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", res.StatusCode)
	}
	if _, body := fetch(t, oiv, page); !strings.Contains(body, draftText) || !strings.Contains(html.UnescapeString(body), "Inviata all'OIV") {
		t.Error("the OIV does not read the sent draft")
	}
	if x := odt(oiv); !strings.Contains(x, draftText) {
		t.Error("the OIV's ODT lacks the sent draft")
	}
}

// odtContent is the content.xml of an ODT.
func odtContent(t *testing.T, body string) string {
	t.Helper()
	z, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range z.File {
		if f.Name == "content.xml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatal("an ODT without content.xml")
	return ""
}

// TestRelazioneDraftValidatedUnsent: the OIV validates a year whose draft
// the Segretario never sent: the draft stays his bozza, its page says the
// validation does not cover it, and the transparency page carries no text.
func TestRelazioneDraftValidatedUnsent(t *testing.T) {
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
		store.ImportOptions{Actor: seed.SampleActor, Status: "approved", ClosePeriods: true, Demo: true}); err != nil {
		t.Fatal(err)
	}
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	defer srv.Close()
	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	page := srv.URL + refPlan + "/relazione/2023/bozza"
	if res, _ := postForm(t, sg, page, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	if _, body := fetch(t, sg, page); strings.Contains(body, "già validato") {
		t.Error("the note of a validation before any")
	}
	v := model.Validation{Year: 2023, Outcome: model.Validated, DecidedOn: time.Now().In(itfmt.Rome()), DocumentName: "validazione.pdf",
		DocumentType: "application/pdf", Document: []byte("%PDF-1.4 x")}
	if err := st.SetValidation(ctx, h, v, "", "oiv"); err != nil {
		t.Fatal(err)
	}
	res, body := fetch(t, sg, page)
	body = html.UnescapeString(body)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "L'OIV ha già validato l'anno senza questo testo") || !strings.Contains(body, "Invia all'OIV") {
		t.Errorf("the unsent draft of a validated year: %d", res.StatusCode)
	}
	res, body = fetch(t, client(t), srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023")
	if res.StatusCode != http.StatusOK || strings.Contains(html.UnescapeString(body), "Testo validato dall'OIV") {
		t.Errorf("published page: %d, with the unsent text %v", res.StatusCode, strings.Contains(html.UnescapeString(body), "Testo validato dall'OIV"))
	}
}
