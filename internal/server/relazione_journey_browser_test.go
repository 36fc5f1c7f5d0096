//go:build browser

package server_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/narrative"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
)

// deviationNote is a motivazione of a scostamento in its three parts.
type deviationNote struct{ key, value, what, why, action string }

// quoted is how the scostamenti section of the draft cites it.
func (d deviationNote) quoted() string {
	return "Il dirigente responsabile riferisce. Cosa è successo: «" + d.what + "»; perché: «" + d.why + "»; azione correttiva: «" + d.action + "»."
}

// TestBrowserRelazioneJourney is issue 18's journey, "The Relazione sulla
// performance as a document the ente can adopt": the dirigente of dir-ef
// reports two indicators of 2023 below target with the motivazione of each
// and sends them; the Segretario Generale approves both in the cockpit,
// creates the Relazione's draft, finds the two motivazioni quoted word for
// word, rewrites the summary, compares the regeneration of the summary (his
// text would go: he keeps it) and replaces the data-quality section with its
// new generation after closing the year, then sends the draft to the OIV,
// who could not read it before; the OIV reads it and validates the year;
// the transparency page publishes the frozen text with the Segretario's
// summary, and the Segretario can no longer change it. Every page passes
// axe-core and goes to the Nu HTML checker.
func TestBrowserRelazioneJourney(t *testing.T) {
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	st := store.New(pool)
	h, err := st.PlanHeader(context.Background(), "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	ctx := browserFor(t, 3*time.Minute)
	defer shot(t, ctx, "relazione-journey")
	// no smooth scrolling (Bootstrap Italia's under prefers-reduced-motion:
	// no-preference): a click scrolls its button into view at once, so its
	// coordinates hold on the long OIV page
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
		return err
	})); err != nil {
		t.Fatal(err)
	}

	const period = "?periodo=2023-final"
	draft := refPlan + "/relazione/2023/bozza"
	notes := []deviationNote{
		{key: "O.1.1.3/2", value: "1", what: "Pubblicato un solo avviso sul sito invece dei due previsti.",
			why: "Il secondo bando è slittato al 2024 per il ritardo del decreto ministeriale.", action: "Calendario dei bandi approvato dalla Giunta entro gennaio."},
		{key: "O.1.1.9/1", value: "1", what: "Completato un adempimento su due: è mancata la verifica di cassa dell'ultimo trimestre.",
			why: "L'ufficio ragioneria ha avuto due assenze prolungate in autunno.", action: "Affiancamento di un addetto del provveditorato da marzo 2024."},
	}
	summary := []string{
		"Nel 2023 la Camera di commercio del Gran Sasso ha raggiunto gran parte dei suoi obiettivi.",
		"Due indicatori dell'Area economico-finanziaria restano sotto il target: le motivazioni dei dirigenti sono nella sezione sugli scostamenti.",
	}

	mainText := func() string { return eval[string](t, ctx, `document.querySelector('main').innerText`) }
	// axe: every page loaded passes axe-core (and goes to the Nu HTML
	// checker: loadAfter records it), once per distinct page — the same
	// address with the same content (the sign-in page) is checked once; a
	// state other than the loaded page's is named
	start := time.Now()
	axed := map[string]bool{}
	axe := func(label, state string) {
		t.Helper()
		key := state + eval[string](t, ctx, `location.pathname + location.search + '\n' + document.querySelector('main').innerText`)
		if axed[key] {
			return
		}
		axed[key] = true
		t.Logf("%5d ms %s", time.Since(start).Milliseconds(), label)
		if v := axeViolations(t, ctx); len(v) > 0 {
			t.Errorf("%s: axe-core violations:\n%s", label, strings.Join(v, "\n"))
		}
	}
	// check: the page's main content has every wanted text
	check := func(label string, want ...string) {
		t.Helper()
		text := mainText()
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the page lacks %q (at %s)", label, w, where(ctx))
			}
		}
	}
	submit := func(label string, want int64, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if status := loadAfter(t, ctx, actions...); status != want {
			t.Fatalf("%s: status %d, want %d (at %s)", label, status, want, where(ctx))
		}
		axe(label, "")
	}
	open := func(label, path string, want int64) {
		t.Helper()
		submit(label, want, chromedp.Navigate(srv.URL+path))
	}
	signInAs := func(user string) {
		t.Helper()
		open("sign-in page", "/accedi", http.StatusOK)
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), testPassword)); err != nil {
			t.Fatal(err)
		}
		submit("sign in as "+user, http.StatusOK, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	}
	signOut := func() {
		t.Helper()
		submit("sign out", http.StatusOK, chromedp.Click(chromedp.CSS(`header form[action="/esci"] button`)))
	}
	final, err := st.Period(context.Background(), h.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	entry := func(key string) model.Entry {
		t.Helper()
		ind, err := st.EntryIndicator(context.Background(), h, key, 2023)
		if err != nil {
			t.Fatal(err)
		}
		e, err := st.Entry(context.Background(), ind.ID, final.ID)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	section := func(key string) string {
		return eval[string](t, ctx, `document.getElementById('sezione-`+key+`')?.innerText ?? ''`)
	}

	// 1. The dirigente of dir-ef reports 1 against a target of ≥ 2 on two
	// indicators at the final period: the entry form asks for the motivazione
	// of the scostamento, which he writes in three parts and sends.
	signInAs("dirigente")
	for _, n := range notes {
		open("entry "+n.key, refPlan+"/misurazioni/"+n.key+period, http.StatusOK)
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("valore"), n.value),
			chromedp.SendKeys(chromedp.ID("scost_cosa"), n.what),
			chromedp.SendKeys(chromedp.ID("scost_perche"), n.why),
			chromedp.SendKeys(chromedp.ID("scost_azione"), n.action)); err != nil {
			t.Fatal(err)
		}
		check("entry "+n.key+" filled", "Motivazione dello scostamento")
		axe("entry "+n.key+" filled", "filled") // the form as typed, before sending
		submit("send "+n.key, http.StatusOK, chromedp.Click(chromedp.CSS(`button[value=invia]`)))
		if e := entry(n.key); e.Status != workflow.Submitted || e.Deviation != (model.Deviation{What: n.what, Why: n.why, Action: n.action}) {
			t.Fatalf("%s after sending: %s %+v (at %s)", n.key, e.Status, e.Deviation, where(ctx))
		}
	}
	signOut()

	// The Segretario approves both at once in the cockpit's queue (single
	// approval in the browser: TestBrowserReportApproveScore).
	signInAs("segretario")
	open("cockpit", refPlan+"/cruscotto"+period, http.StatusOK)
	check("cockpit", "Da approvare (2)")
	for _, n := range notes {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#coda-approvazioni input[name=voce][value="`+n.key+`"]`))); err != nil {
			t.Fatal(err)
		}
	}
	submit("approve selected", http.StatusOK, chromedp.Click(chromedp.CSS(`#coda-approvazioni button[name=azione][value=approva]`)))
	check("approval confirmation", notes[0].key, notes[1].key)
	submit("confirm approval", http.StatusOK, chromedp.Click(chromedp.CSS(`#coda-approvazioni form button[type=submit]`)))
	check("approved", "Da approvare (0)")
	for _, n := range notes {
		if e := entry(n.key); e.Status != workflow.Approved {
			t.Fatalf("%s after the approval: %s", n.key, e.Status)
		}
	}

	// 2. The draft: created from the data, the two motivazioni quoted word for word.
	open("draft before creation", draft, http.StatusOK)
	check("draft before creation", "non è ancora stata creata")
	submit("create the draft", http.StatusOK, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	check("draft created", "Bozza creata dai dati della Relazione.", "Invia all'OIV")
	devs := section("scostamenti")
	for _, n := range notes {
		if !strings.Contains(devs, n.quoted()) {
			t.Errorf("the scostamenti section does not quote the motivazione of %s word for word:\n%s", n.key, devs)
		}
	}
	// a sentence's sources are numbered apart in its superscript
	if sup := eval[string](t, ctx, `[...document.querySelectorAll('#sezione-albero sup')].find(s => s.querySelectorAll('a').length > 1)?.innerText ?? ''`); !strings.Contains(sup, ", ") {
		t.Errorf("the notes of a sentence with several sources read %q", sup)
	}
	if q := section("qualita-dati"); !strings.Contains(q, "Il periodo di misurazione non è ancora chiuso") {
		t.Fatalf("the quality section of an open year: %q", q)
	}

	// the summary rewritten in its form
	submit("edit the summary", http.StatusOK, chromedp.Click(chromedp.CSS(`#sezione-sintesi a[href$="/bozza/sezioni/sintesi"]`)))
	check("summary form", "Testo generato dai dati, per confronto")
	if err := chromedp.Do(ctx, chromedp.Clear(chromedp.ID("testo")),
		chromedp.SendKeys(chromedp.ID("testo"), summary[0]+"\n\n"+summary[1])); err != nil {
		t.Fatal(err)
	}
	submit("save the summary", http.StatusOK, chromedp.Click(chromedp.CSS(`button[value=salva]`)))
	check("summary saved", "Sezione salvata.")
	if s := section("sintesi"); !strings.Contains(s, summary[0]) || !strings.Contains(s, summary[1]) || !strings.Contains(s, "Testo modificato") {
		t.Fatalf("the summary after saving: %q", s)
	}
	// blank lines split the paragraphs
	if ps := eval[[]string](t, ctx, `[...document.querySelectorAll('#sezione-sintesi > p')].slice(0, 2).map(p => p.innerText)`); len(ps) != 2 || ps[0] != summary[0] || ps[1] != summary[1] {
		t.Errorf("the saved summary's paragraphs: %q", ps)
	}

	// "Rigenera" on the edited summary: his text would be lost, as the page
	// warns; the difference is marked in words, not by colour only. He goes
	// back and the text stays his.
	submit("rigenera the summary", http.StatusOK, chromedp.Click(chromedp.CSS(`#sezione-sintesi a[href$="/sintesi/rigenera"]`)))
	check("summary diff", "le modifiche si perdono", "Sostituisci con il testo generato")
	removed := eval[string](t, ctx, `[...document.querySelectorAll('main del')].map(e => e.textContent).join(' ')`)
	added := eval[string](t, ctx, `[...document.querySelectorAll('main ins')].map(e => e.textContent).join(' ')`)
	if !strings.Contains(removed, "[tolto: ") || !strings.Contains(removed, "raggiunto gran parte dei suoi obiettivi.") ||
		!strings.Contains(added, "[aggiunto: ") || !strings.Contains(added, "performance organizzativa") {
		t.Errorf("the difference is not marked in text:\nremoved %q\nadded %q", removed, added)
	}
	submit("back to the draft", http.StatusOK, chromedp.Click(chromedp.CSS(`main a.btn-outline-secondary[href$="/bozza"]`)))
	if s := section("sintesi"); !strings.Contains(s, summary[1]) {
		t.Fatalf("going back from the comparison lost the summary: %q", s)
	}

	// The year is closed (setup over HTTP: the closing in the browser is
	// TestBrowserReportApproveScore's): the quality section's warning about
	// an open period is stale, and its regeneration drops it.
	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	if res, _ := postForm(t, sg, srv.URL+refPlan+"/periodi/2023-final", url.Values{"azione": {"chiudi"}, "conferma": {"1"}, "versione": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close 2023: %d", res.StatusCode)
	}
	open("draft after closing", draft, http.StatusOK)
	submit("rigenera the quality section", http.StatusOK, chromedp.Click(chromedp.CSS(`#sezione-qualita-dati a[href$="/qualita-dati/rigenera"]`)))
	check("quality diff", "Sostituisci con il testo generato")
	if mainText := mainText(); strings.Contains(mainText, "le modifiche si perdono") {
		t.Error("the comparison of a generated section warns of lost edits")
	}
	removed = eval[string](t, ctx, `[...document.querySelectorAll('main del')].map(e => e.textContent).join(' ')`)
	if !strings.Contains(removed, "[tolto: ") || !strings.Contains(removed, "chiuso") {
		t.Errorf("the removed warning is not marked in text: %q", removed)
	}
	submit("confirm the regeneration", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/qualita-dati/rigenera"] button[type=submit]`)))
	check("quality regenerated", "Sezione sostituita con il testo generato dai dati.")
	if q := section("qualita-dati"); strings.Contains(q, "non è ancora chiuso") {
		t.Errorf("the regenerated quality section still warns of an open period: %q", q)
	}
	if s := section("sintesi"); !strings.Contains(s, summary[0]) || !strings.Contains(s, summary[1]) {
		t.Fatalf("regenerating another section changed the summary: %q", s)
	}

	// 3. Before it is sent, the OIV reads no word of the draft (over HTTP:
	// TestRelazioneDraftHiddenFromOIVUntilSent covers every door).
	oiv := client(t)
	signIn(t, oiv, srv.URL, "oiv", testPassword)
	if res, body := fetch(t, oiv, srv.URL+draft); res.StatusCode != http.StatusOK || strings.Contains(html.UnescapeString(body), summary[0]) ||
		strings.Contains(html.UnescapeString(body), notes[0].what) || !strings.Contains(html.UnescapeString(body), "l'OIV la legge quando gli viene inviata") {
		t.Errorf("the OIV reads the draft before it is sent, or is not told why it cannot: %d", res.StatusCode)
	}
	submit("send to the OIV", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/bozza/invia"] button[type=submit]`)))
	check("draft sent", "Bozza inviata all'OIV.", "Inviata all'OIV")
	if n := eval[int](t, ctx, `document.querySelectorAll('main a[href*="/bozza/sezioni/"]').length`); n != 0 {
		t.Errorf("the sent draft still offers %d edit links", n)
	}
	signOut()

	// 4. The OIV: from the validation page to the year's Relazione and its
	// text, which it reads as sent; then it validates the year.
	signInAs("oiv")
	if p := eval[string](t, ctx, `location.pathname`); p != refPlan+"/oiv" {
		t.Fatalf("the OIV landed on %s", p)
	}
	check("oiv", "Validazione della Relazione")
	submit("Relazione 2023", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href$="/relazione/2023"]`)))
	submit("the draft, as the OIV", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href$="/relazione/2023/bozza"]`)))
	check("the sent draft, as the OIV", "Inviata all'OIV", summary[0], summary[1], notes[0].what, notes[1].action)
	if n := eval[int](t, ctx, `document.querySelectorAll('main a[href*="/bozza/sezioni/"], main form[method=post]').length`); n != 0 {
		t.Errorf("the OIV is offered %d edit links or forms", n)
	}
	open("oiv", refPlan+"/oiv", http.StatusOK)
	doc := filepath.Join(t.TempDir(), "verbale-oiv.pdf")
	if err := os.WriteFile(doc, []byte(minimalPDF), 0o600); err != nil {
		t.Fatal(err)
	}
	decided := itfmt.Date(time.Now().In(itfmt.Rome()))
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("val-anno"), "2023"),
		chromedp.SetValue(chromedp.ID("val-esito"), model.Validated),
		chromedp.SendKeys(chromedp.ID("val-data"), decided),
		chromedp.SendKeys(chromedp.ID("val-atto"), "Verbale OIV n. 2/2024"),
		chromedp.SetUploadFiles(chromedp.ID("val-documento"), []string{doc})); err != nil {
		t.Fatal(err)
	}
	submit("validate 2023", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/oiv/validazione"] button[type=submit]`)))
	check("validated", "Validazione registrata.")
	signOut()

	// The public page carries the frozen text, the Segretario's summary and
	// the motivazioni included.
	open("published Relazione", "/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023", http.StatusOK)
	check("published Relazione", "Validata dall'OIV il "+decided, "Testo validato dall'OIV", summary[0], summary[1], notes[0].quoted(), notes[1].quoted())
	if text := mainText(); strings.Contains(text, "non è ancora chiuso") {
		t.Error("the published text keeps the warning replaced by the regeneration")
	} else if strings.Contains(text, "Le schede di valutazione individuale dell'anno sono") || !strings.Contains(text, narrative.PublicIndividual) {
		t.Error("the published text reports the results of the individual scorecards")
	}

	// The Segretario: the text is frozen, the section form refuses to edit.
	signInAs("segretario")
	open("validated draft", draft, http.StatusOK)
	check("validated draft", "L'OIV ha validato l'anno: il testo è congelato.", summary[0])
	if n := eval[int](t, ctx, `document.querySelectorAll('main a[href*="/bozza/sezioni/"], main form[method=post]').length`); n != 0 {
		t.Errorf("the validated draft still offers %d edit links or forms", n)
	}
	open("section form after the validation", draft+"/sezioni/sintesi", http.StatusConflict)
	check("section form refused", "non si può più modificare")
	if eval[bool](t, ctx, `!!document.getElementById('testo')`) {
		t.Error("the frozen section still shows its form")
	}
	if d, err := st.RelazioneDraft(context.Background(), h.ID, 2023); err != nil || d.Status != model.DraftValidata ||
		d.Section("sintesi").Edited == nil || *d.Section("sintesi").Edited != summary[0]+"\n\n"+summary[1] {
		t.Errorf("the stored draft after the validation: %+v %v", d.Status, err)
	}
}
