package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/store"
)

// confirmed is a confirmation form as posted from its page, box ticked.
func confirmed(version string, more ...string) url.Values {
	v := url.Values{"versione": {version}, "passo": {"conferma"}, "conferma": {"1"}}
	for i := 0; i+1 < len(more); i += 2 {
		v.Set(more[i], more[i+1])
	}
	return v
}

// targetEdit sets the 2024 target of O.4.2.1/1 in the draft (a change the diff shows).
func targetEdit(t *testing.T, c *http.Client, base, value string) {
	t.Helper()
	form := base + refPlan + "/modifica/obiettivi/O.4.2.1/indicatori/1"
	_, body := fetch(t, c, form)
	fields := url.Values{"versione": {version(t, body)}, "nome": {"Numero di iniziative realizzate per la valorizzazione delle produzioni tipiche locali"},
		"algoritmo": {"Numero di iniziative"}, "unita-misura": {"count"}, "polarita": {"higher_better"}, "formula": {"direct"},
		"op-2023": {">="}, "val-2023": {"5"}, "op-2024": {">="}, "val-2024": {value}, "b-anno-0": {"2022"}, "b-val-0": {"2"}, "b-testo-0": {"2"}}
	if res, body := postForm(t, c, form, fields); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save target: %d\n%s", res.StatusCode, body)
	}
}

// Adopting a revision goes through a confirmation that shows, above the
// button, the counts, what adoption means and the differences; a post
// without the ticked box adopts nothing, and a draft changed after the
// confirmation was shown is refused with the fresh differences.
func TestAdoptingARevisionNeedsAConfirmationWithTheDiff(t *testing.T) {
	t.Parallel()
	srv, pool, st, h := authServer(t)
	ctx := context.Background()
	admin, other := client(t), client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	addUser(t, pool, "admin2", auth.Admin, "")
	signIn(t, other, srv.URL, "admin2", testPassword)
	ed := srv.URL + refPlan + "/modifica"
	if res, _ := postForm(t, admin, ed+"/avvia", url.Values{"etichetta": {"Aggiornamento luglio 2024"}, "vigore": {"01/07/2024"},
		"motivo": {"Nuovi target"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start draft: %d", res.StatusCode)
	}
	targetEdit(t, admin, srv.URL, "7")
	adopted := func() bool {
		t.Helper()
		h2, err := st.PlanHeader(ctx, h.EnteSlug, h.Slug)
		if err != nil {
			t.Fatal(err)
		}
		return h2.RevisionSeq != h.RevisionSeq
	}

	// the editor's button (a crafted post alike) only shows the confirmation
	_, body := fetch(t, admin, ed)
	v := formVersion(t, body, "/modifica/adotta")
	code, page := postPage(t, admin, ed+"/adotta", url.Values{"versione": {v}})
	if code != http.StatusOK || adopted() {
		t.Fatalf("adoption without confirmation: %d, adopted %v", code, adopted())
	}
	mustContain(t, page, "Adottare la revisione «Aggiornamento luglio 2024»?", "Target annuali", "Obiettivi individuali",
		"01/07/2024", "Cambiano i punteggi degli anni <strong>2024</strong>", `id="orfane">0<`, "Target aggiunto", "O.4.2.1/1", "&gt;= 7")
	// the differences are above the button
	if diff, button := strings.Index(page, "Target aggiunto"), strings.Index(page, `>Adotta la revisione</button>`); diff < 0 || button < 0 || diff > button {
		t.Errorf("the differences are not above the button (%d, %d)", diff, button)
	}
	// the counts: one target added to one changed indicator
	counts := page[strings.Index(page, `id="conteggi"`):]
	mustContain(t, counts, `<th scope="row">Target annuali</th><td class="num">1</td><td class="num">0</td><td class="num">0</td>`,
		`<th scope="row">Indicatori</th><td class="num">0</td><td class="num">0</td><td class="num">1</td>`)
	cv := formVersion(t, page, "/modifica/adotta")
	if cv != v {
		t.Fatalf("the confirmation carries version %s, the draft is at %s", cv, v)
	}

	// from the confirmation page without the box: refused beside the box
	code, page = postPage(t, admin, ed+"/adotta", url.Values{"versione": {cv}, "passo": {"conferma"}})
	if code != http.StatusUnprocessableEntity || adopted() {
		t.Fatalf("confirmation without the box: %d, adopted %v", code, adopted())
	}
	mustContain(t, page, "Per adottare la revisione spunta la conferma.", `aria-describedby="conferma-errore"`)

	// another administrator changes the draft after the confirmation was shown: stale adoption
	targetEdit(t, other, srv.URL, "9")
	code, page = postPage(t, admin, ed+"/adotta", confirmed(cv))
	if code != http.StatusConflict || adopted() {
		t.Fatalf("stale adoption: %d, adopted %v", code, adopted())
	}
	mustContain(t, page, "La bozza è cambiata dopo la conferma: rivedi le differenze", "&gt;= 9")
	if strings.Contains(page, "&gt;= 7") {
		t.Error("the refusal shows the old differences, not the fresh ones")
	}
	fresh := formVersion(t, page, "/modifica/adotta")
	if fresh == cv {
		t.Fatal("the refusal carries the stale version")
	}

	// confirmed on the fresh differences: adopted
	if code, page = postPage(t, admin, ed+"/adotta", confirmed(fresh)); code != http.StatusSeeOther || !adopted() {
		t.Fatalf("confirmed adoption: %d, adopted %v\n%s", code, adopted(), page)
	}
	if _, err := st.DraftOf(ctx, h.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the draft after adoption: %v", err)
	}
}

// Discarding a draft goes through a confirmation listing what is lost;
// without it, or with a stale version, nothing is discarded.
func TestDiscardingADraftNeedsAConfirmation(t *testing.T) {
	t.Parallel()
	srv, pool, st, h := authServer(t)
	ctx := context.Background()
	admin, other := client(t), client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	addUser(t, pool, "admin2", auth.Admin, "")
	signIn(t, other, srv.URL, "admin2", testPassword)
	ed := srv.URL + refPlan + "/modifica"
	if res, _ := postForm(t, admin, ed+"/avvia", url.Values{"etichetta": {"Revisione da scartare"}, "vigore": {"01/07/2024"},
		"motivo": {"Prova"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start draft: %d", res.StatusCode)
	}
	targetEdit(t, admin, srv.URL, "7")
	targetEdit(t, admin, srv.URL, "8")
	exists := func() bool {
		t.Helper()
		_, err := st.DraftOf(ctx, h.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	_, body := fetch(t, admin, ed)
	v := formVersion(t, body, "/modifica/scarta")
	for name, form := range map[string]url.Values{"editor button": {"versione": {v}}, "crafted, box not ticked": {"versione": {v}, "passo": {"conferma"}}} {
		code, page := postPage(t, admin, ed+"/scarta", form)
		if code == http.StatusSeeOther || !exists() {
			t.Fatalf("%s: %d, the draft was discarded", name, code)
		}
		mustContain(t, page, "Scartare la bozza «Revisione da scartare»?", "<strong>2 modifiche salvate</strong>", "<strong>1 differenza</strong>", "Target aggiunto")
	}
	// another tab edits the draft after the confirmation: the stale discard is refused
	targetEdit(t, other, srv.URL, "9")
	code, page := postPage(t, admin, ed+"/scarta", confirmed(v))
	if code != http.StatusConflict || !exists() {
		t.Fatalf("stale discard: %d, draft exists %v", code, exists())
	}
	mustContain(t, page, "La bozza è cambiata dopo la conferma: rivedi le differenze", "<strong>3 modifiche salvate</strong>")
	if code, _ := postPage(t, admin, ed+"/scarta", confirmed(formVersion(t, page, "/modifica/scarta"))); code != http.StatusSeeOther || exists() {
		t.Fatalf("confirmed discard: %d, draft exists %v", code, exists())
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'plan.draft.discard'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("discard events: %d %v", n, err)
	}
}

// Disabling an account first says what changes (sessions ended, objectives
// and indicators of its position with nobody else on it, entries left
// waiting); only the confirmed post disables it. The ente's last active
// administrator cannot be disabled, on the page or in the store.
func TestDisablingAUserSaysWhatChanges(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	addUser(t, pool, "dir.promozione", auth.Dirigente, "dir-prm")
	addUser(t, pool, "admin2", auth.Admin, "")
	addUser(t, pool, "root", auth.Admin, "", "")
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	st := store.New(pool)
	admin, dir, dir2 := client(t), client(t), client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	signIn(t, dir, srv.URL, "dir.promozione", testPassword)
	signIn(t, dir2, srv.URL, "dir.promozione", testPassword)
	// one entry in draft by the dirigente
	if res, _ := postMultipart(t, dir, srv.URL+entryPath+period, map[string]string{"valore": "183", "versione": "0", "azione": "salva"}, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft entry: %d", res.StatusCode)
	}
	active := func(u string) bool {
		t.Helper()
		var a bool
		if err := pool.QueryRow(ctx, `SELECT active FROM users WHERE username = $1`, u).Scan(&a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	page := srv.URL + "/amministrazione/cciaa-gran-sasso"
	action := "/utenti/dir.promozione/stato"
	_, body := fetch(t, admin, page)
	v := formVersion(t, body, action)
	code, conf := postPage(t, admin, page+action, url.Values{"attivo": {"0"}, "versione": {v}})
	if code != http.StatusOK || !active("dir.promozione") {
		t.Fatalf("disable without confirmation: %d, active %v", code, active("dir.promozione"))
	}
	mustContain(t, conf, "Disattivare l'utente dir.promozione?", `id="sessioni">2<`, `id="bozze">1<`,
		"Altri utenti attivi sulla posizione: <strong>1</strong>", "2 sessioni termineranno")
	if strings.Contains(conf, "<strong>0 obiettivi</strong>") || !strings.Contains(conf, " obiettivi</strong> e <strong>") {
		t.Error("the confirmation does not count the position's objectives")
	}
	code, conf = postPage(t, admin, page+action, url.Values{"attivo": {"0"}, "versione": {v}, "passo": {"conferma"}})
	if code != http.StatusUnprocessableEntity || !active("dir.promozione") {
		t.Fatalf("confirmation without the box: %d", code)
	}
	mustContain(t, conf, "Per disattivare l&#39;utente spunta la conferma.")
	if code, _ := postPage(t, admin, page+action, confirmed(v, "attivo", "0")); code != http.StatusSeeOther || active("dir.promozione") {
		t.Fatalf("confirmed disable: %d, active %v", code, active("dir.promozione"))
	}
	if res, _ := fetch(t, dir, srv.URL+refPlan+"/modifica"); res.StatusCode == http.StatusOK {
		t.Error("the disabled account's session still works")
	}
	// re-enabling needs no confirmation
	_, body = fetch(t, admin, page)
	if code, _ := postPage(t, admin, page+action, url.Values{"attivo": {"1"}, "versione": {formVersion(t, body, action)}}); code != http.StatusSeeOther || !active("dir.promozione") {
		t.Fatalf("enable: %d", code)
	}

	// two administrators: one may go; the last one may not, whoever asks
	_, body = fetch(t, admin, page)
	if code, _ := postPage(t, admin, page+"/utenti/admin2/stato", confirmed(formVersion(t, body, "/utenti/admin2/stato"), "attivo", "0")); code != http.StatusSeeOther {
		t.Fatalf("disable the second administrator: %d", code)
	}
	root := client(t)
	signIn(t, root, srv.URL, "root", testPassword)
	_, body = fetch(t, root, page)
	v = formVersion(t, body, "/utenti/admin/stato")
	for _, form := range []url.Values{{"attivo": {"0"}, "versione": {v}}, confirmed(v, "attivo", "0")} {
		code, conf := postPage(t, root, page+"/utenti/admin/stato", form)
		if code != http.StatusConflict || !active("admin") {
			t.Fatalf("disable the last administrator: %d, active %v", code, active("admin"))
		}
		mustContain(t, conf, "è l&#39;ultimo amministratore attivo dell&#39;ente", "Nulla è stato modificato")
	}
	if err := st.SetActive(ctx, "admin", false, "test"); !errors.Is(err, store.ErrLastAdmin) {
		t.Errorf("the store disables the last administrator: %v", err)
	}
	if !active("admin") {
		t.Error("the last administrator was disabled")
	}
}

// The adoption confirmation counts the measurements that removing an
// indicator would leave orphaned, and says the adoption will be refused.
func TestAdoptionConfirmationCountsOrphanedMeasurements(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	st := store.New(pool)
	v := 210.0
	if _, err := st.ImportMeasurements(ctx, "cciaa-gran-sasso", "piao-2023-2025", []measure.Row{
		{Indicator: "O.3.3.1/1", Year: 2023, Period: "midyear", Value: &v}, {Indicator: "O.3.3.1/1", Year: 2023, Period: "final", Value: &v}},
		store.ImportOptions{Actor: "test", Status: "draft"}); err != nil {
		t.Fatal(err)
	}
	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	ed := srv.URL + refPlan + "/modifica"
	if res, _ := postForm(t, admin, ed+"/avvia", url.Values{"etichetta": {"Eliminazione"}, "vigore": {"01/07/2024"}, "motivo": {"Prova"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start draft: %d", res.StatusCode)
	}
	_, body := fetch(t, admin, ed+"/obiettivi/O.3.3.1")
	if res, page := postForm(t, admin, ed+"/obiettivi/O.3.3.1/indicatori/1/elimina", url.Values{"versione": {version(t, body)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove the indicator from the draft: %d\n%s", res.StatusCode, page)
	}
	_, body = fetch(t, admin, ed)
	code, page := postPage(t, admin, ed+"/adotta", url.Values{"versione": {formVersion(t, body, "/modifica/adotta")}})
	if code != http.StatusOK {
		t.Fatalf("confirmation: %d", code)
	}
	mustContain(t, page, `id="orfane">2<`, "L'adozione sarà rifiutata", "Indicatore eliminato",
		`<th scope="row">Indicatori</th><td class="num">0</td><td class="num">1</td>`)
}
