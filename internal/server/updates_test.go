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
	"github.com/piao-performance/piao/internal/store"
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
	if e := readEntry(t, pool, direct); e.Status != store.StatusReturned || e.Note != "Dal registro 2023" || e.Attachments != 1 || *e.Value != 195 {
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
