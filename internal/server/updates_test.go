package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
)

// storedEntry is what a save must not lose of a measurement.
type storedEntry struct {
	Version     int
	Status      string
	Value       *float64
	Inputs      map[string]float64
	NA          bool
	Reason      string
	Note        string
	Attachments int
}

func readEntry(t *testing.T, pool *pgxpool.Pool, key string) storedEntry {
	t.Helper()
	var e storedEntry
	err := pool.QueryRow(context.Background(), `SELECT m.version, m.status, m.value::float8, m.inputs, m.not_applicable, m.reason, m.note,
			(SELECT count(*) FROM measurement_attachments a WHERE a.measurement_id = m.id)
		FROM measurements m JOIN indicators i ON i.id = m.indicator_id JOIN periods p ON p.id = m.period_id
		JOIN plans pl ON pl.id = m.plan_id JOIN enti e ON e.id = pl.ente_id
		WHERE e.slug = 'cciaa-gran-sasso' AND pl.slug = 'piao-2023-2025' AND i.key = $1 AND p.year = 2023 AND p.kind = 'final'`,
		key).Scan(&e.Version, &e.Status, &e.Value, &e.Inputs, &e.NA, &e.Reason, &e.Note, &e.Attachments)
	if err != nil {
		t.Fatalf("entry %s: %v", key, err)
	}
	return e
}

// gridRow finds the grid row of an indicator: its index and version.
func gridRow(t *testing.T, body, key string) (string, string) {
	t.Helper()
	m := regexp.MustCompile(`name="r(\d+)\.chiave" value="` + regexp.QuoteMeta(key) + `"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no grid row for %s", key)
	}
	v := regexp.MustCompile(`name="r` + m[1] + `\.versione" value="(\d+)"`).FindStringSubmatch(body)
	if v == nil {
		t.Fatalf("no version in the grid row of %s", key)
	}
	return m[1], v[1]
}

// TestEverySavePathKeepsWhatItDoesNotSend saves one measurement through
// every path that writes it (entry form, grid, CSV import, workflow) and
// checks that the fields a path does not carry (note, attachments, other
// inputs) survive; only the full form, with its note emptied, clears the note.
func TestEverySavePathKeepsWhatItDoesNotSend(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	addUser(t, pool, "dir.promozione", auth.Dirigente, "dir-prm")
	srv := httptest.NewServer(app)
	defer srv.Close()
	ref, dir, sg := client(t), client(t), client(t)
	signIn(t, ref, srv.URL, "referente", testPassword)
	signIn(t, dir, srv.URL, "dir.promozione", testPassword)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	const direct, ratio = "O.3.3.1/1", "O.3.3.1/6"

	// the entry form: a value, a note and a piece of evidence; a ratio with its inputs and a note
	res, _ := postMultipart(t, ref, srv.URL+entryPath+period, map[string]string{"valore": "183", "versione": "0", "azione": "salva",
		"nota": "Dal registro delle mediazioni"}, map[string][]byte{"registro.pdf": []byte("%PDF-1.7 registro")})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("entry form: %d", res.StatusCode)
	}
	res, _ = postMultipart(t, ref, srv.URL+ratioPath+period, map[string]string{"in_numerator": "40", "in_denominator": "50",
		"versione": "0", "azione": "salva", "nota": "Dal protocollo"}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("entry form (ratio): %d", res.StatusCode)
	}

	// the grid changes only the values: notes, evidence and the other input stay
	_, body := fetch(t, ref, srv.URL+refPlan+"/misurazioni/griglia"+period)
	i, v := gridRow(t, body, direct)
	j, w := gridRow(t, body, ratio)
	res, body = postForm(t, ref, srv.URL+refPlan+"/misurazioni/griglia"+period, url.Values{"azione": {"salva"},
		"r" + i + ".chiave": {direct}, "r" + i + ".versione": {v}, "r" + i + ".valore": {"190"},
		"r" + j + ".chiave": {ratio}, "r" + j + ".versione": {w}, "r" + j + ".in_numerator": {"45"}, "r" + j + ".in_denominator": {"50"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("grid: %d %s", res.StatusCode, errorsIn(body))
	}
	e := readEntry(t, pool, direct)
	if e.Value == nil || *e.Value != 190 || e.Note != "Dal registro delle mediazioni" || e.Attachments != 1 {
		t.Fatalf("after the grid: %+v", e)
	}
	if r := readEntry(t, pool, ratio); r.Inputs["numerator"] != 45 || r.Inputs["denominator"] != 50 || r.Note != "Dal protocollo" {
		t.Fatalf("ratio after the grid: %+v", r)
	}

	// a CSV without a note column changes the value and keeps the note
	st := store.New(pool)
	ctx := context.Background()
	h, cat, err := st.MeasureCatalogue(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := measure.ParseCSV(strings.NewReader("indicator_id,year,period,value\n"+direct+",2023,final,195\n"), cat, h.StartYear, h.EndYear)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportMeasurements(ctx, "cciaa-gran-sasso", "piao-2023-2025", rows, store.ImportOptions{Actor: "test", Status: "draft"}); err != nil {
		t.Fatal(err)
	}
	if e := readEntry(t, pool, direct); e.Value == nil || *e.Value != 195 || e.Note != "Dal registro delle mediazioni" || e.Attachments != 1 {
		t.Fatalf("after a CSV without notes: %+v", e)
	}
	// a CSV whose note column changes only the note writes it
	rows, err = measure.ParseCSV(strings.NewReader("indicator_id,year,period,value,note\n"+direct+",2023,final,195,Dal registro 2023\n"), cat, h.StartYear, h.EndYear)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportMeasurements(ctx, "cciaa-gran-sasso", "piao-2023-2025", rows, store.ImportOptions{Actor: "test", Status: "draft"}); err != nil {
		t.Fatal(err)
	}
	if e := readEntry(t, pool, direct); e.Note != "Dal registro 2023" || e.Attachments != 1 {
		t.Fatalf("after a CSV with a note: %+v", e)
	}

	// the workflow: submitted by the dirigente, returned by the Segretario Generale
	e = readEntry(t, pool, direct)
	res, _ = postForm(t, dir, srv.URL+entryPath+"/stato"+period, url.Values{"azione": {"invia"}, "versione": {strconv.Itoa(e.Version)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	e = readEntry(t, pool, direct)
	res, _ = postForm(t, sg, srv.URL+entryPath+"/stato"+period, url.Values{"azione": {"restituisci"}, "versione": {strconv.Itoa(e.Version)},
		"motivo": {"Allega il verbale"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", res.StatusCode)
	}
	if e := readEntry(t, pool, direct); e.Status != string(workflow.Returned) || e.Note != "Dal registro 2023" || e.Attachments != 1 || *e.Value != 195 {
		t.Fatalf("after the workflow: %+v", e)
	}

	// a not-applicable entry keeps its reason and note through the workflow
	e = readEntry(t, pool, direct)
	res, _ = postMultipart(t, ref, srv.URL+entryPath+period, map[string]string{"na": "1", "motivo": "Nessuna mediazione richiesta",
		"versione": strconv.Itoa(e.Version), "azione": "salva", "nota": "Vedi verbale"}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("not applicable: %d", res.StatusCode)
	}
	e = readEntry(t, pool, direct)
	res, _ = postForm(t, dir, srv.URL+entryPath+"/stato"+period, url.Values{"azione": {"invia"}, "versione": {strconv.Itoa(e.Version)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit not applicable: %d", res.StatusCode)
	}
	e = readEntry(t, pool, direct)
	postForm(t, sg, srv.URL+entryPath+"/stato"+period, url.Values{"azione": {"restituisci"}, "versione": {strconv.Itoa(e.Version)}, "motivo": {"Ricontrolla"}})
	if e := readEntry(t, pool, direct); !e.NA || e.Reason != "Nessuna mediazione richiesta" || e.Note != "Vedi verbale" || e.Attachments != 1 {
		t.Fatalf("not applicable after the workflow: %+v", e)
	}

	// the full form with its note emptied clears the note (and only that)
	e = readEntry(t, pool, direct)
	res, _ = postMultipart(t, ref, srv.URL+entryPath+period, map[string]string{"valore": "200", "versione": strconv.Itoa(e.Version), "azione": "salva",
		"nota": ""}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("emptied note: %d", res.StatusCode)
	}
	if e := readEntry(t, pool, direct); e.Note != "" || e.Attachments != 1 || *e.Value != 200 {
		t.Fatalf("after emptying the note: %+v", e)
	}
}

// formVersion is the version carried by the form posting to an action ending
// in suffix (pages with several forms carry one version each).
func formVersion(t *testing.T, body, suffix string) string {
	t.Helper()
	m := regexp.MustCompile(`action="[^"]*` + regexp.QuoteMeta(suffix) + `"[^>]*>\s*<input type="hidden" name="versione" value="(-?\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form posting to %s with a version", suffix)
	}
	return m[1]
}

func auditEvents(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestStaleFormsAreRefused builds each state-changing form, changes the state
// through another request, then submits the old form: 409 with the current
// state, nothing changed and no audit event for the refused save.
func TestStaleFormsAreRefused(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	admin, other, sg, sg2 := client(t), client(t), client(t), client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	signIn(t, other, srv.URL, "admin", testPassword)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	signIn(t, sg2, srv.URL, "segretario", testPassword)
	ctx := context.Background()
	st := store.New(pool)
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	// stale posts back the old form, then checks the refusal and that nothing was recorded
	stale := func(t *testing.T, c *http.Client, path string, v url.Values, wants ...string) string {
		t.Helper()
		before := auditEvents(t, pool)
		res, body := postForm(t, c, srv.URL+path, v)
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("stale form: %d, want 409\n%s", res.StatusCode, errorsIn(body))
		}
		mustContain(t, body, wants...)
		if n := auditEvents(t, pool); n != before {
			t.Errorf("the refused form left %d audit events", n-before)
		}
		return body
	}
	mustPost := func(t *testing.T, c *http.Client, path string, v url.Values) {
		t.Helper()
		if res, body := postForm(t, c, srv.URL+path, v); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", path, res.StatusCode, errorsIn(body))
		}
	}

	t.Run("scoring rules", func(t *testing.T) {
		page := refPlan + "/regole"
		_, body := fetch(t, admin, srv.URL+page)
		old := version(t, body)
		rules := func(cap, v string) url.Values {
			return url.Values{"tetto": {cap}, "soglia": {"0"}, "regola-lte": {"ratio"}, "regola-obiettivo": {"weighted_mean"}, "raggiunto": {"100"},
				"parziale": {"80"}, "risultati": {"70"}, "comportamenti": {"30"}, "fasce": {"90 Eccellente; 75 Buono; 60 Adeguato; 0 Non adeguato"}, "dal": {"2023"}, "versione": {v}}
		}
		_, body2 := fetch(t, other, srv.URL+page)
		mustPost(t, other, page, rules("120", version(t, body2)))
		body = stale(t, admin, page, rules("150", old), "cambiate da un'altra persona", "tetto 120%", `value="150"`)
		if r, _ := st.ScoringRules(ctx, h.ID); r.Cap != 120 {
			t.Fatalf("a stale rules form reverted the change: cap %v", r.Cap)
		}
		// saving again from the conflict page replaces them, knowingly
		mustPost(t, admin, page, rules("150", version(t, body)))
		if r, _ := st.ScoringRules(ctx, h.ID); r.Cap != 150 {
			t.Fatalf("rules after a knowing save: cap %v", r.Cap)
		}
	})

	t.Run("period close, reopen and deadline", func(t *testing.T) {
		page := refPlan + "/periodi"
		_, body := fetch(t, sg, srv.URL+page)
		oldClose := formVersion(t, body, "/periodi/2025-final")
		_, adminBody := fetch(t, admin, srv.URL+page)
		oldDeadline := formVersion(t, adminBody, "/periodi/2024-midyear/scadenza")
		// another session closes and reopens 2025-final: the stale "Chiudi" must not undo the reopening
		mustPost(t, sg2, page+"/2025-final", url.Values{"azione": {"chiudi"}, "conferma": {"1"}, "versione": {oldClose}})
		_, body2 := fetch(t, sg2, srv.URL+page)
		mustPost(t, sg2, page+"/2025-final", url.Values{"azione": {"riapri"}, "motivo": {"Dati da completare"}, "versione": {formVersion(t, body2, "/periodi/2025-final")}})
		stale(t, sg, page+"/2025-final", url.Values{"azione": {"chiudi"}, "conferma": {"1"}, "versione": {oldClose}}, "è cambiato nel frattempo", "nulla è cambiato")
		if p, _ := st.Period(ctx, h.ID, 2025, "final"); p.Closed() {
			t.Fatal("a stale close undid the reopening")
		}
		// closing a period already closed is idempotent: nothing to undo, no event
		_, body = fetch(t, sg, srv.URL+page)
		oldClose = formVersion(t, body, "/periodi/2025-final")
		mustPost(t, sg2, page+"/2025-final", url.Values{"azione": {"chiudi"}, "conferma": {"1"}, "versione": {oldClose}})
		before := auditEvents(t, pool)
		mustPost(t, sg, page+"/2025-final", url.Values{"azione": {"chiudi"}, "conferma": {"1"}, "versione": {oldClose}})
		if p, _ := st.Period(ctx, h.ID, 2025, "final"); !p.Closed() || auditEvents(t, pool) != before {
			t.Fatalf("closing a closed period: closed=%v, %d events", p.Closed(), auditEvents(t, pool)-before)
		}
		// a stale deadline form does not overwrite a newer deadline
		_, body2 = fetch(t, other, srv.URL+page)
		mustPost(t, other, page+"/2024-midyear/scadenza", url.Values{"scadenza": {"15/09/2024"}, "versione": {formVersion(t, body2, "/periodi/2024-midyear/scadenza")}})
		stale(t, admin, page+"/2024-midyear/scadenza", url.Values{"scadenza": {"20/09/2024"}, "versione": {oldDeadline}}, "20/09/2024", `value="15/09/2024"`)
		if p, _ := st.Period(ctx, h.ID, 2024, "midyear"); p.Deadline == nil || p.Deadline.Format("02/01/2006") != "15/09/2024" {
			t.Fatalf("deadline after a stale form: %v", p.Deadline)
		}
	})

	t.Run("draft discard and adopt", func(t *testing.T) {
		ed := refPlan + "/modifica"
		start := url.Values{"etichetta": {"Revisione di luglio"}, "vigore": {"01/07/2024"}, "motivo": {"Aggiornamento dei target"}}
		mustPost(t, admin, ed+"/avvia", start)
		_, body := fetch(t, admin, srv.URL+ed)
		oldDiscard, oldAdopt := formVersion(t, body, "/modifica/scarta"), formVersion(t, body, "/modifica/adotta")
		// another tab renames an area in the draft
		_, areaBody := fetch(t, other, srv.URL+ed+"/ambiti/1")
		mustPost(t, other, ed+"/ambiti/1", url.Values{"titolo": {"Ambito rinominato nella bozza"}, "versione": {version(t, areaBody)}})
		stale(t, admin, ed+"/scarta", url.Values{"versione": {oldDiscard}}, "La bozza è cambiata nel frattempo")
		stale(t, admin, ed+"/adotta", url.Values{"versione": {oldAdopt}}, "La bozza è cambiata nel frattempo")
		d, err := st.DraftOf(ctx, h.ID)
		if err != nil || d.Doc.Areas[0].Title != "Ambito rinominato nella bozza" {
			t.Fatalf("the draft after stale discard/adopt: %v", err)
		}
		if h2, _ := st.PlanHeader(ctx, h.EnteSlug, h.Slug); h2.RevisionSeq != h.RevisionSeq {
			t.Fatal("a stale adoption adopted the draft")
		}
		// discarded and opened again, unedited: a discard form of the old draft cannot delete the new one
		_, body = fetch(t, admin, srv.URL+ed)
		mustPost(t, admin, ed+"/scarta", url.Values{"versione": {formVersion(t, body, "/modifica/scarta")}, "passo": {"conferma"}, "conferma": {"1"}})
		mustPost(t, admin, ed+"/avvia", start)
		_, body = fetch(t, admin, srv.URL+ed)
		mustPost(t, admin, ed+"/scarta", url.Values{"versione": {formVersion(t, body, "/modifica/scarta")}, "passo": {"conferma"}, "conferma": {"1"}})
		mustPost(t, other, ed+"/avvia", start)
		stale(t, admin, ed+"/scarta", url.Values{"versione": {formVersion(t, body, "/modifica/scarta")}}, "La bozza è cambiata nel frattempo")
		if _, err := st.DraftOf(ctx, h.ID); err != nil {
			t.Fatalf("a stale discard deleted the new draft: %v", err)
		}
		// a second "Avvia" while a draft is open does not replace it
		before := auditEvents(t, pool)
		if res, _ := postForm(t, admin, srv.URL+ed+"/avvia", url.Values{"etichetta": {"Altra"}, "vigore": {"01/09/2024"}, "motivo": {"Altro"}}); res.StatusCode != http.StatusConflict {
			t.Fatalf("second draft: %d", res.StatusCode)
		}
		if d, _ := st.DraftOf(ctx, h.ID); d.Label != "Revisione di luglio" || auditEvents(t, pool) != before {
			t.Fatalf("the open draft after a second start: %q", d.Label)
		}
	})

	t.Run("user enabled or disabled", func(t *testing.T) {
		page := "/amministrazione/cciaa-gran-sasso"
		_, body := fetch(t, admin, srv.URL+page)
		action := "/utenti/lettore/stato"
		old := formVersion(t, body, action)
		// another administrator disables and enables lettore again: the stale "Disattiva" must not undo it
		mustPost(t, other, page+action, url.Values{"attivo": {"0"}, "versione": {old}, "passo": {"conferma"}, "conferma": {"1"}})
		_, body2 := fetch(t, other, srv.URL+page)
		mustPost(t, other, page+action, url.Values{"attivo": {"1"}, "versione": {formVersion(t, body2, action)}})
		stale(t, admin, page+action, url.Values{"attivo": {"0"}, "versione": {old}}, "è cambiato nel frattempo")
		var active bool
		if err := pool.QueryRow(ctx, `SELECT active FROM users WHERE username = 'lettore'`).Scan(&active); err != nil || !active {
			t.Fatalf("a stale form disabled the account: %v %v", active, err)
		}
	})

	t.Run("OIV validation", func(t *testing.T) {
		closeFinalOn(t, pool, 2023, "2024-02-15") // a validation needs the final period closed before its date
		oiv, oiv2 := client(t), client(t)
		signIn(t, oiv, srv.URL, "oiv", testPassword)
		signIn(t, oiv2, srv.URL, "oiv", testPassword)
		page := refPlan + "/oiv"
		_, body := fetch(t, oiv, srv.URL+page)
		seen := regexp.MustCompile(`name="visto-2023" value="(\d*)"`).FindStringSubmatch(body)
		if seen == nil {
			t.Fatal("the validation form does not carry what it saw")
		}
		fields := func(outcome, notes string) map[string]string {
			return map[string]string{"anno": "2023", "esito": outcome, "data": "20/06/2024", "atto": "Verbale OIV n. 3/2024", "motivazione": notes,
				"visto-2023": seen[1]}
		}
		// another member records the validation first
		if res, _ := postFiles(t, oiv2, srv.URL+page+"/validazione", fields(model.Validated, ""), "documento",
			map[string][]byte{"validazione.pdf": []byte(minimalPDF)}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("validation: %d", res.StatusCode)
		}
		before := auditEvents(t, pool)
		res, body := postFiles(t, oiv, srv.URL+page+"/validazione", fields(model.NotValidated, "Dati non riscontrabili"), "documento",
			map[string][]byte{"diniego.pdf": []byte(minimalPDF)})
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("stale validation: %d", res.StatusCode)
		}
		mustContain(t, body, "è cambiata da quando hai aperto la pagina", "Dati non riscontrabili")
		if v, err := st.ValidationOf(ctx, h.ID, 2023); err != nil || v.Outcome != model.Validated || v.DocumentName != "validazione.pdf" || auditEvents(t, pool) != before {
			t.Fatalf("a stale validation replaced the newer one: %+v %v", v, err)
		}
	})

	t.Run("creations never overwrite", func(t *testing.T) {
		// a create form posted again (stale) is refused: it never replaces what exists
		path := "/amministrazione/cciaa-gran-sasso/piani"
		mustPost(t, admin, path, url.Values{"slug": {"piano-nuovo"}, "titolo": {"Piano nuovo"}, "inizio": {"2026"}, "fine": {"2028"}})
		before := auditEvents(t, pool)
		if res, _ := postForm(t, other, srv.URL+path, url.Values{"slug": {"piano-nuovo"}, "titolo": {"Piano sostitutivo"}, "inizio": {"2027"}, "fine": {"2029"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("second plan with the same slug: %d", res.StatusCode)
		}
		if p, _ := st.PlanHeader(ctx, "cciaa-gran-sasso", "piano-nuovo"); p.Title != "Piano nuovo" || auditEvents(t, pool) != before {
			t.Fatalf("the plan after a second creation: %q", p.Title)
		}
	})
}
