package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/planedit"
	"github.com/piao-performance/piao/internal/store"
)

// publishedFixture is an administrator's session on a new empty plan with a
// revision open, as a published PIAO is read into: the server, the client,
// the editor's URL, the plan's header and the store.
type publishedFixture struct {
	srv   *httptest.Server
	admin *http.Client
	ed    string
	h     model.PlanHeader
	st    *store.Store
	pool  *pgxpool.Pool
}

func newPublishedFixture(t *testing.T) publishedFixture {
	t.Helper()
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	if res, body := postForm(t, admin, srv.URL+"/amministrazione/cciaa-gran-sasso/piani",
		url.Values{"slug": {"piao-letto"}, "titolo": {"PIAO letto"}, "inizio": {"2023"}, "fine": {"2025"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new plan: %d %s", res.StatusCode, errorsIn(body))
	}
	ed := srv.URL + "/enti/cciaa-gran-sasso/piani/piao-letto/modifica"
	if res, body := postForm(t, admin, ed+"/avvia", url.Values{"etichetta": {"Dal PIAO pubblicato"}, "vigore": {"01/01/2023"}, "motivo": {"Lettura del documento"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d %s", res.StatusCode, errorsIn(body))
	}
	st := store.New(pool)
	h, err := st.PlanHeader(context.Background(), "cciaa-gran-sasso", "piao-letto")
	if err != nil {
		t.Fatal(err)
	}
	return publishedFixture{srv: srv, admin: admin, ed: ed, h: h, st: st, pool: pool}
}

// draftVersion is the open draft's version as the editor's forms carry it.
func (f publishedFixture) draftVersion(t *testing.T) string {
	t.Helper()
	_, body := fetch(t, f.admin, f.ed)
	m := regexp.MustCompile(`name="versione" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no draft version in the editor")
	}
	return m[1]
}

// upload posts a document to "Leggi il documento".
func (f publishedFixture) upload(t *testing.T, name string, b []byte) (*http.Response, string) {
	t.Helper()
	return postFiles(t, f.admin, f.ed+"/leggi-piao", map[string]string{"versione": f.draftVersion(t)}, "piao", map[string][]byte{name: b})
}

// uploadReference reads the reference document and returns the review's id
// and URL.
func (f publishedFixture) uploadReference(t *testing.T) (int64, string) {
	t.Helper()
	res, body := f.upload(t, "piao.txt", referenceText(t))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("read: %d %s", res.StatusCode, errorsIn(body))
	}
	loc := res.Header.Get("Location")
	m := regexp.MustCompile(`^/enti/cciaa-gran-sasso/piani/piao-letto/modifica/leggi-piao/(\d+)$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("read: redirected to %q, not to the review", loc)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id, f.srv.URL + loc
}

// review is the stored pending review.
func (f publishedFixture) review(t *testing.T, id int64) model.PlanImport {
	t.Helper()
	imp, err := f.st.PlanImportOf(context.Background(), f.h.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

func referenceText(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../docs/reference/piao-2023-2025-cciaa-gran-sasso.txt")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// reviewValues is the review form of imp as the page fills it, with the
// versions the page carries.
func reviewValues(imp model.PlanImport, draftVersion string) url.Values {
	v := url.Values{"versione-lettura": {strconv.Itoa(imp.Version)}, "versione": {draftVersion}}
	f := planedit.ReviewFormOf(imp.Doc)
	for i, a := range f.Areas {
		v.Set(planedit.AreaField(i, "numero"), a.Number)
		v.Set(planedit.AreaField(i, "titolo"), a.Title)
	}
	for i, o := range f.Objectives {
		v.Set(planedit.ObjectiveField(i, "codice"), o.Code)
		v.Set(planedit.ObjectiveField(i, "tipo"), o.Kind)
		v.Set(planedit.ObjectiveField(i, "ambito"), o.Area)
		v.Set(planedit.ObjectiveField(i, "padre"), o.Parent)
		v.Set(planedit.ObjectiveField(i, "titolo"), o.Title)
		for j, in := range o.Indicators {
			v.Set(planedit.IndicatorField(i, j, "nome"), in.Name)
			v.Set(planedit.IndicatorField(i, j, "algoritmo"), in.Algorithm)
			v.Set(planedit.IndicatorField(i, j, "fonte"), in.Source)
			v.Set(planedit.IndicatorField(i, j, "unita"), in.Unit)
			for k, b := range in.Baselines {
				v.Set(planedit.BaselineField(i, j, k, "anno"), b.Year)
				v.Set(planedit.BaselineField(i, j, k, "valore"), b.Value)
				v.Set(planedit.BaselineField(i, j, k, "testo"), b.Text)
			}
			for _, tg := range in.Targets {
				v.Set(planedit.TargetField(i, j, tg.Year, "op"), tg.Operator)
				v.Set(planedit.TargetField(i, j, tg.Year, "valore"), tg.Value)
			}
		}
	}
	return v
}

// objectiveIndex is the place of objective code in the document.
func objectiveIndex(t *testing.T, d *plan.Document, code string) int {
	t.Helper()
	for i, o := range d.Objectives {
		if o.Code == code {
			return i
		}
	}
	t.Fatalf("objective %s not read", code)
	return -1
}

func targetOf(in plan.Indicator, year int) *plan.Target {
	for i := range in.Targets {
		if in.Targets[i].Year == year {
			return &in.Targets[i]
		}
	}
	return nil
}

// TestReadPublishedPIAO: an administrator creates an empty plan, opens a
// revision and uploads the published PIAO: it is kept as a review (the draft
// does not change) whose page lists every objective and indicator read, the
// uncertain cells marked beside their source text. A title and a target
// edited there are saved; a wrong value is refused beside its field with
// what was typed kept and nothing saved; "Crea bozza" makes the draft with
// the edited values, which is adopted through the usual flow. A file with
// nothing recognisable changes nothing.
func TestReadPublishedPIAO(t *testing.T) {
	t.Parallel()
	f := newPublishedFixture(t)
	ctx := context.Background()
	if res, body := f.upload(t, "lettera.txt", []byte("Gentile utente,\nnessuna tabella.\n")); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "non è stato riconosciuto nessun ambito") {
		t.Fatalf("nothing recognised: %d %s", res.StatusCode, errorsIn(body))
	}
	before, err := f.st.DraftOf(ctx, f.h.ID)
	if err != nil {
		t.Fatal(err)
	}
	id, review := f.uploadReference(t)
	if d, err := f.st.DraftOf(ctx, f.h.ID); err != nil || d.Version != before.Version || len(d.Doc.Objectives) != 0 {
		t.Fatalf("the upload changed the draft: %v, version %d → %d, %d objectives", err, before.Version, d.Version, len(d.Doc.Objectives))
	}
	imp := f.review(t, id)
	if len(imp.Doc.Objectives) < 40 || len(imp.Problems) < 20 {
		t.Fatalf("review holds %d objectives, %d problems", len(imp.Doc.Objectives), len(imp.Problems))
	}

	// the page: every objective and indicator, the uncertain cells marked beside their source text
	res, body := fetch(t, f.admin, review)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("review page: %d", res.StatusCode)
	}
	mustContain(t, body, "Revisione del PIAO letto", "Salva modifiche", "Crea bozza", "Annulla la lettura", "Promozione degli strumenti di giustizia")
	for _, o := range imp.Doc.Objectives {
		mustContain(t, body, `value="`+o.Code+`"`)
		for _, in := range o.Indicators {
			mustContain(t, body, "Indicatore "+in.Key)
		}
	}
	if n := strings.Count(body, `<span class="piao-check">Da verificare</span>`); n < 20 {
		t.Errorf("only %d uncertain cells marked", n)
	}
	// a wrong parent: the parent field is marked, with the line and text it came from
	var wrong model.ImportProblem
	for _, p := range imp.Problems {
		if p.Kind == "wrong_parent" {
			wrong = p
			break
		}
	}
	if wrong.Objective == "" {
		t.Fatal("the reference document has no wrong parent")
	}
	parent := planedit.ObjectiveField(objectiveIndex(t, imp.Doc, wrong.Objective), "padre")
	cell := regexp.MustCompile(`(?s)<div class="mb-2 piao-uncertain"><label for="` + parent + `".*?<div id="` + parent + `-origine" class="piao-source">(.*?)</div>`).FindStringSubmatch(body)
	if cell == nil {
		t.Fatalf("the parent of %s is not marked uncertain", wrong.Objective)
	}
	mustContain(t, cell[1], "Da verificare", "Riga "+strconv.Itoa(wrong.Line)+" del documento", "<mark>"+wrong.Text+"</mark>")
	if !strings.Contains(body, `aria-describedby="`+parent+`-origine"`) {
		t.Error("the parent field is not described by its source text")
	}

	// edit a title and a target; save
	i := objectiveIndex(t, imp.Doc, "O.3.3.1")
	o := imp.Doc.Objectives[i]
	year := 0
	for _, tg := range o.Indicators[0].Targets {
		if tg.Operator == plan.OpGTE || tg.Operator == plan.OpLTE {
			year = tg.Year
			break
		}
	}
	if year == 0 {
		t.Fatalf("O.3.3.1/1 has no numeric target: %+v", o.Indicators[0].Targets)
	}
	dv := f.draftVersion(t)
	v := reviewValues(imp, dv)
	v.Set(planedit.ObjectiveField(i, "titolo"), "Titolo rivisto dell'obiettivo")
	v.Set(planedit.TargetField(i, 0, year, "valore"), "77,5")
	if res, body := postForm(t, f.admin, review, v); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != strings.TrimPrefix(review, f.srv.URL)+"?esito=salvato" {
		t.Fatalf("save: %d %q %s", res.StatusCode, res.Header.Get("Location"), errorsIn(body))
	}
	saved := f.review(t, id)
	if saved.Version != imp.Version+1 || saved.Doc.Objectives[i].Title != "Titolo rivisto dell'obiettivo" {
		t.Fatalf("save: version %d, title %q", saved.Version, saved.Doc.Objectives[i].Title)
	}
	if tg := targetOf(saved.Doc.Objectives[i].Indicators[0], year); tg == nil || tg.Value == nil || *tg.Value != 77.5 {
		t.Fatalf("save: target %d = %+v", year, tg)
	}
	_, body = fetch(t, f.admin, review+"?esito=salvato")
	mustContain(t, body, "Modifiche salvate nella revisione.", ">Titolo rivisto dell&#39;obiettivo</textarea>", `value="77,5"`)

	// a wrong value: 422, the message beside the field, what was typed kept, nothing saved
	v = reviewValues(saved, dv)
	v.Set(planedit.ObjectiveField(i, "titolo"), "Titolo che non va salvato")
	bad := planedit.TargetField(i, 0, year, "valore")
	v.Set(bad, "molti")
	res, body = postForm(t, f.admin, review, v)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrong value: %d %s", res.StatusCode, errorsIn(body))
	}
	mustContain(t, body, `id="riepilogo-errori"`, `href="#`+bad+`"`, `id="`+bad+`-errore"`, `value="molti"`, "Titolo che non va salvato", "Nulla è stato salvato")
	if m := regexp.MustCompile(`id="` + bad + `-errore" class="invalid-feedback d-block">([^<]*)<`).FindStringSubmatch(body); m == nil || !strings.Contains(m[1], "Target "+strconv.Itoa(year)) {
		t.Errorf("no Italian message beside the target: %v", m)
	}
	if again := f.review(t, id); again.Version != saved.Version || again.Doc.Objectives[i].Title != "Titolo rivisto dell'obiettivo" {
		t.Fatalf("a refused form saved: version %d, title %q", again.Version, again.Doc.Objectives[i].Title)
	}
	// a form built on an older version of the review is a conflict
	if res, _ := postForm(t, f.admin, review, reviewValues(imp, dv)); res.StatusCode != http.StatusConflict {
		t.Errorf("stale review form: %d, want 409", res.StatusCode)
	}

	// Crea bozza refuses a plan that is not coherent (a strategic objective others descend
	// from made transversal) and a draft changed since the page was built: nothing is written
	si := objectiveIndex(t, saved.Doc, "1.1")
	v = reviewValues(saved, dv)
	v.Set(planedit.ObjectiveField(si, "tipo"), plan.KindTransversal)
	res, body = postForm(t, f.admin, review+"/bozza", v)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Il piano letto non è ancora coerente") {
		t.Fatalf("incoherent plan: %d %s", res.StatusCode, errorsIn(body))
	}
	v = reviewValues(saved, strconv.Itoa(before.Version-1))
	if res, body := postForm(t, f.admin, review+"/bozza", v); res.StatusCode != http.StatusConflict || !strings.Contains(body, "La bozza è cambiata") {
		t.Fatalf("stale draft: %d %s", res.StatusCode, errorsIn(body))
	}
	if d, err := f.st.DraftOf(ctx, f.h.ID); err != nil || d.Version != before.Version {
		t.Fatalf("a refused Crea bozza changed the draft: %v", err)
	}
	if again := f.review(t, id); again.Version != saved.Version {
		t.Fatal("a refused Crea bozza changed the review")
	}

	// Crea bozza: the draft holds the edited values; the review is done
	v = reviewValues(saved, dv)
	v.Set(planedit.IndicatorField(i, 0, "nome"), "Nome rivisto dell'indicatore")
	if res, body := postForm(t, f.admin, review+"/bozza", v); res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/modifica?esito=letto#punti-incerti") {
		t.Fatalf("create draft: %d %q %s", res.StatusCode, res.Header.Get("Location"), errorsIn(body))
	}
	d, err := f.st.DraftOf(ctx, f.h.ID)
	if err != nil {
		t.Fatal(err)
	}
	do := d.Doc.Objectives[objectiveIndex(t, d.Doc, "O.3.3.1")]
	if do.Title != "Titolo rivisto dell'obiettivo" || do.Indicators[0].Name != "Nome rivisto dell'indicatore" {
		t.Errorf("draft: title %q, indicator %q", do.Title, do.Indicators[0].Name)
	}
	if tg := targetOf(do.Indicators[0], year); tg == nil || tg.Value == nil || *tg.Value != 77.5 {
		t.Errorf("draft: target %d = %+v", year, tg)
	}
	if d.Label != "Dal PIAO pubblicato" || d.Doc.Ente.Slug != "cciaa-gran-sasso" || d.Doc.SourceTitle != "piao.txt" || len(d.Doc.Notes) < 20 {
		t.Errorf("draft: label %q, ente %q, source %q, %d notes", d.Label, d.Doc.Ente.Slug, d.Doc.SourceTitle, len(d.Doc.Notes))
	}
	if res, _ := fetch(t, f.admin, review); res.StatusCode != http.StatusNotFound {
		t.Errorf("applied review: %d, want 404", res.StatusCode)
	}
	_, body = fetch(t, f.admin, f.ed+"?esito=letto")
	mustContain(t, body, "Bozza creata dal documento rivisto", "Punti da rivedere (", "<mark>", "Titolo rivisto dell&#39;obiettivo")
	var n int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action IN ('plan.import.read', 'plan.import.edit', 'plan.import.apply')`).Scan(&n); err != nil || n != 3 {
		t.Errorf("audit events of the review: %d (%v), want 3", n, err)
	}

	// adopted through the usual flow
	if res, body := postForm(t, f.admin, f.ed+"/adotta", url.Values{"versione": {f.draftVersion(t)}, "passo": {"conferma"}, "conferma": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("adopt: %d %s", res.StatusCode, errorsIn(body))
	}
	_, body = fetch(t, f.admin, f.srv.URL+"/enti/cciaa-gran-sasso/piani/piao-letto/obiettivi/O.3.3.1")
	mustContain(t, body, "Titolo rivisto dell&#39;obiettivo")
}

// TestPublishedReviewAccess: the review is the ente's administrators' only:
// another ente's administrator gets 404, a dirigente 403, on the page and on
// every action; discarding it leaves the draft as it was and the review gone.
func TestPublishedReviewAccess(t *testing.T) {
	t.Parallel()
	f := newPublishedFixture(t)
	ctx := context.Background()
	id, review := f.uploadReference(t)
	imp := f.review(t, id)
	for user, want := range map[string]int{"admin-altro-ente": http.StatusNotFound, "dirigente": http.StatusForbidden} {
		c := client(t)
		signIn(t, c, f.srv.URL, user, testPassword)
		if res, _ := fetch(t, c, review); res.StatusCode != want {
			t.Errorf("%s reads the review: %d, want %d", user, res.StatusCode, want)
		}
		v := reviewValues(imp, f.draftVersion(t))
		for _, u := range []string{review, review + "/bozza", review + "/annulla"} {
			if res, _ := postForm(t, c, u, v); res.StatusCode != want {
				t.Errorf("%s posts %s: %d, want %d", user, u, res.StatusCode, want)
			}
		}
	}
	if again := f.review(t, id); again.Version != imp.Version {
		t.Fatal("a refused user changed the review")
	}
	// a review of another plan, or an id that is not one, is not found
	for _, u := range []string{f.ed + "/leggi-piao/999999", f.ed + "/leggi-piao/abc", f.ed + "/leggi-piao/0" + strconv.FormatInt(id, 10),
		f.srv.URL + "/enti/cciaa-gran-sasso/piani/piao-2023-2025/modifica/leggi-piao/" + strconv.FormatInt(id, 10)} {
		if res, _ := fetch(t, f.admin, u); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", u, res.StatusCode)
		}
	}
	// the editor links the pending review; "Annulla la lettura" discards it
	_, body := fetch(t, f.admin, f.ed)
	mustContain(t, body, "Documenti letti da rivedere (1)", strings.TrimPrefix(review, f.srv.URL))
	before, err := f.st.DraftOf(ctx, f.h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res, body := postForm(t, f.admin, review+"/annulla", url.Values{"versione-lettura": {strconv.Itoa(imp.Version)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("discard: %d %s", res.StatusCode, errorsIn(body))
	}
	if res, _ := fetch(t, f.admin, review); res.StatusCode != http.StatusNotFound {
		t.Errorf("discarded review: %d, want 404", res.StatusCode)
	}
	if d, err := f.st.DraftOf(ctx, f.h.ID); err != nil || d.Version != before.Version {
		t.Errorf("discarding the review changed the draft: %v", err)
	}
	_, body = fetch(t, f.admin, f.ed+"?esito=annullata")
	mustContain(t, body, "Lettura del documento annullata")
	if strings.Contains(body, "Documenti letti da rivedere") {
		t.Error("the discarded review is still listed")
	}
}
