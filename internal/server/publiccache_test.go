package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/synth"
	"github.com/piao-performance/piao/internal/workflow"
)

// conditional GETs path with If-None-Match etag (when not empty).
func conditional(t *testing.T, h http.Handler, path, etag string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result(), rec.Body.String()
}

// TestPublicFilesAreNeverStale: open data and public pages are built once
// per public version of the plan and answered with 304 while it holds; an
// approval, a period's closing (and reopening) and a revision each change the
// version, and the next read has the new content.
func TestPublicFilesAreNeverStale(t *testing.T) {
	t.Parallel()
	h, pool := newApp(t)
	importFixture(t, pool, true)
	ctx := context.Background()
	st := store.New(pool)
	const csvPath = "/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.csv"
	paths := []string{csvPath, "/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.json", planPath,
		planPath + "/obiettivi/3.2", planPath + "/indicatori/3.2/1"}

	// current checks every path: 200 with validators, the same bytes twice,
	// 304 for its own ETag; it returns the CSV's ETag and body.
	current := func(step string) (string, string) {
		var csvTag, csvBody string
		for _, p := range paths {
			res, body := conditional(t, h, p, "")
			tag := res.Header.Get("ETag")
			if res.StatusCode != 200 || tag == "" || res.Header.Get("Last-Modified") == "" ||
				res.Header.Get("Cache-Control") != "public, no-cache" {
				t.Fatalf("%s: %s: %d ETag %q Last-Modified %q Cache-Control %q", step, p, res.StatusCode, tag,
					res.Header.Get("Last-Modified"), res.Header.Get("Cache-Control"))
			}
			again, body2 := conditional(t, h, p, "")
			if again.Header.Get("ETag") != tag || body2 != body || again.Header.Get("Content-Type") != res.Header.Get("Content-Type") {
				t.Fatalf("%s: %s: a second read differs", step, p)
			}
			if nm, b := conditional(t, h, p, tag); nm.StatusCode != http.StatusNotModified || b != "" {
				t.Fatalf("%s: %s with its ETag: %d", step, p, nm.StatusCode)
			}
			req := httptest.NewRequest(http.MethodGet, p, nil)
			req.Header.Set("If-Modified-Since", res.Header.Get("Last-Modified"))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusNotModified {
				t.Fatalf("%s: %s If-Modified-Since: %d", step, p, rec.Code)
			}
			if p == csvPath {
				csvTag, csvBody = tag, body
			}
		}
		return csvTag, csvBody
	}
	// changed asserts the old ETag no longer answers 304.
	changed := func(step, old string) {
		t.Helper()
		for _, p := range paths {
			if res, _ := conditional(t, h, p, old); res.StatusCode != 200 {
				t.Fatalf("%s: %s still answers %d to the old ETag", step, p, res.StatusCode)
			}
		}
	}
	row := func(body, id string) string {
		for _, l := range strings.Split(body, "\r\n") {
			if strings.Contains(l, ","+id+",") && strings.Contains(l, ",2023,") {
				return l
			}
		}
		t.Fatalf("no 2023 row of %s", id)
		return ""
	}

	tag, body := current("start")
	if !strings.Contains(row(body, "3.2/1"), ",1,50,non_raggiunto") {
		t.Fatalf("3.2/1 before: %s", row(body, "3.2/1"))
	}
	sg := auth.User{Username: "segretario", Role: auth.Segretario}
	// reopening the period hides its values from the public at once
	hd, p := reopenReference2023(t, st, sg)
	changed("reopen", tag)
	tag, body = current("reopened")
	if strings.Contains(row(body, "3.2/1"), "non_raggiunto") {
		t.Fatal("an open period's value is public")
	}

	// an approval moves the version
	ind, err := st.EntryIndicator(ctx, hd, "3.2/1", 2023)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := st.Entry(ctx, ind.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	e, err := st.Transition(ctx, hd, ind, p, cur.Version, workflow.Reopen, "rettifica di prova", sg)
	if err != nil {
		t.Fatal(err)
	}
	two := 2.0
	if e, err = st.SaveEntry(ctx, hd, store.EntryInput{Indicator: ind, Period: p, Value: &two, Version: e.Version, Submit: true}, sg); err != nil {
		t.Fatal(err)
	}
	_, beforeApproval := current("submitted")
	tagSubmitted, _ := current("submitted")
	if _, err := st.Transition(ctx, hd, ind, p, e.Version, workflow.Approve, "", sg); err != nil {
		t.Fatal(err)
	}
	changed("approval", tagSubmitted)
	_, body = current("approved")
	if body != beforeApproval {
		t.Error("an approval in an open period changed the public file")
	}

	// closing the period publishes the new value
	if p, err = st.Period(ctx, hd.ID, 2023, "final"); err != nil {
		t.Fatal(err)
	}
	tag, _ = current("before close")
	if err := st.SetPeriodClosed(ctx, hd, p, true, "", sg); err != nil {
		t.Fatal(err)
	}
	changed("close", tag)
	tag, body = current("closed")
	if !strings.Contains(row(body, "3.2/1"), ",2,100,raggiunto") {
		t.Fatalf("3.2/1 after the close: %s", row(body, "3.2/1"))
	}

	// a revision renames the indicator
	if err := st.StartDraft(ctx, hd, model.Draft{Label: "Aggiornamento di prova", InForceFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Reason: "Prova"}, "admin"); err != nil {
		t.Fatal(err)
	}
	d, err := st.DraftOf(ctx, hd.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range d.Doc.Objectives {
		for j := range d.Doc.Objectives[i].Indicators {
			if x := &d.Doc.Objectives[i].Indicators[j]; x.Key == "3.2/1" {
				x.Name = "Indicatore rinominato dalla revisione"
			}
		}
	}
	if err := st.SaveDraft(ctx, hd, d.Doc, d.Version, map[string]any{"indicator": "3.2/1"}, "admin"); err != nil {
		t.Fatal(err)
	}
	if d, err = st.DraftOf(ctx, hd.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AdoptDraft(ctx, hd, d.Version, "admin"); err != nil {
		t.Fatal(err)
	}
	changed("revision", tag)
	_, body = current("revised")
	if !strings.Contains(body, "Indicatore rinominato dalla revisione") {
		t.Error("the CSV does not show the revised name")
	}
	for _, p := range paths[3:] { // the objective and indicator pages name it
		if _, page := get(t, h, p); !strings.Contains(page, "Indicatore rinominato dalla revisione") {
			t.Errorf("%s does not show the revised name", p)
		}
	}
}

// TestPublicCacheKeepsPerVisitorParts: a cached objective page still puts
// the objective in each visitor's recent list; a missing plan is a 404
// without validators.
func TestPublicCacheKeepsPerVisitorParts(t *testing.T) {
	t.Parallel()
	h, _ := newApp(t)
	for i := 0; i < 2; i++ {
		res, _ := get(t, h, planPath+"/obiettivi/3.2")
		found := false
		for _, c := range res.Cookies() {
			found = found || c.Name == "piao_recenti"
		}
		if !found {
			t.Fatalf("read %d: no recent-objectives cookie", i+1)
		}
	}
	res, _ := get(t, h, "/opendata/cciaa-gran-sasso/nessun-piano/indicators.csv")
	if res.StatusCode != 404 || res.Header.Get("ETag") != "" {
		t.Fatalf("missing plan: %d ETag %q", res.StatusCode, res.Header.Get("ETag"))
	}
}

// TestSignedInReadsWriteNoSession: a signed-in user's reads leave the session
// row untouched (its xmin, the transaction that last wrote it, stays the
// same); authenticate rewrites it only once the last-seen time is a minute old.
func TestSignedInReadsWriteNoSession(t *testing.T) {
	t.Parallel()
	h, pool := newApp(t)
	addUser(t, pool, "lettore", auth.Segretario, "")
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := client(t)
	if res := signIn(t, c, srv.URL, "lettore", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	state := func() (rows int, xmin string) {
		t.Helper()
		if err := pool.QueryRow(context.Background(), `SELECT count(*), coalesce(max(xmin::text), '') FROM sessions`).Scan(&rows, &xmin); err != nil {
			t.Fatal(err)
		}
		return rows, xmin
	}
	rows, before := state()
	if rows != 1 {
		t.Fatalf("%d session rows after one sign-in", rows)
	}
	for i := 0; i < 20; i++ {
		res, body := fetch(t, c, srv.URL+planPath+"/obiettivi/3.2")
		if res.StatusCode != 200 || !strings.Contains(body, "Utente lettore") {
			t.Fatalf("read %d: %d, signed in: %v", i, res.StatusCode, strings.Contains(body, "Utente lettore"))
		}
	}
	if rows, after := state(); rows != 1 || after != before {
		t.Fatalf("20 signed-in reads rewrote the session: rows %d, xmin %s → %s", rows, before, after)
	}
}

// TestOpenDataIndexPages: the open-data index lists 50 enti a page, with
// links to the next and previous pages; a page past the last is a 404 and a
// page number that is not one is a 400.
func TestOpenDataIndexPages(t *testing.T) {
	t.Parallel()
	h, pool := newApp(t)
	st := store.New(pool)
	for _, e := range synth.Generate(synth.Config{Enti: 55, IndicatorsPerEnte: synth.MinIndicators, Years: 1, StartYear: 2024, Seed: 1}) {
		if _, err := st.LoadPlan(context.Background(), e.Doc, store.LoadOptions{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	// 56 enti with plans: the reference one and the synthetic ones
	res, first := get(t, h, "/opendata")
	if res.StatusCode != 200 || !strings.Contains(first, "pagina 1 di 2") || !strings.Contains(first, `href="/opendata?pagina=2"`) ||
		strings.Contains(first, "Pagina precedente") || strings.Count(first, `<h2 class="h4">`) != 51 { // 50 enti and "Colonne"
		t.Fatalf("first page: %d, %d headings", res.StatusCode, strings.Count(first, `<h2 class="h4">`))
	}
	res, second := get(t, h, "/opendata?pagina=2")
	if res.StatusCode != 200 || !strings.Contains(second, "pagina 2 di 2") || !strings.Contains(second, `href="/opendata?pagina=1"`) ||
		strings.Contains(second, "Pagina successiva") || strings.Count(second, `<h2 class="h4">`) != 7 {
		t.Fatalf("second page: %d, %d headings", res.StatusCode, strings.Count(second, `<h2 class="h4">`))
	}
	if res, _ := get(t, h, "/opendata?pagina=3"); res.StatusCode != 404 {
		t.Errorf("page past the last: %d", res.StatusCode)
	}
	if res, _ := get(t, h, "/opendata?pagina=due"); res.StatusCode != 400 {
		t.Errorf("page number not a number: %d", res.StatusCode)
	}
}

// TestBenchmarkWriteChangesTheUsersVersion: the reference plan scores an
// indicator against a value of another ente's plan; a write to that plan
// gives the reference plan's public files a new version too.
func TestBenchmarkWriteChangesTheUsersVersion(t *testing.T) {
	t.Parallel()
	h, pool := newApp(t)
	importFixture(t, pool, true)
	const csvPath = "/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.csv"
	res, _ := get(t, h, csvPath)
	tag := res.Header.Get("ETag")
	if res, _ := conditional(t, h, csvPath, tag); res.StatusCode != http.StatusNotModified {
		t.Fatalf("unchanged: %d", res.StatusCode)
	}
	ctx := context.Background()
	st := store.New(pool)
	doc, err := seed.BenchmarkEnte()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.LoadPlan(ctx, doc, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if res, _ := conditional(t, h, csvPath, tag); res.StatusCode != http.StatusOK || res.Header.Get("ETag") == tag {
		t.Fatalf("after loading the benchmark's plan: %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
	}
	res, _ = get(t, h, csvPath)
	tag = res.Header.Get("ETag")
	other, err := st.PlanHeader(ctx, doc.Ente.Slug, doc.Plan.Slug)
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Period(ctx, other.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetPeriodClosed(ctx, other, p, p.ClosedAt == nil, "rettifica di prova", auth.User{Username: "sg", Role: auth.Segretario}); err != nil {
		t.Fatal(err)
	}
	if res, _ := conditional(t, h, csvPath, tag); res.StatusCode != http.StatusOK || res.Header.Get("ETag") == tag {
		t.Fatalf("after a write to the benchmark's plan: %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
	}
}

// TestPublicFilesAreGzippedForClientsThatAskForIt: a client that accepts gzip
// gets the same bytes compressed, with an ETag of their own, Vary and the
// compressed length; one that refuses it, or names another coding, gets them
// as they are. Either tag of the current version answers 304; after a change
// both are new. An error is neither compressed nor tagged.
func TestPublicFilesAreGzippedForClientsThatAskForIt(t *testing.T) {
	t.Parallel()
	h, pool := newApp(t)
	importFixture(t, pool, true)
	st := store.New(pool)
	do := func(method, path, acceptEncoding, etag string) (*http.Response, []byte) {
		t.Helper()
		req := httptest.NewRequest(method, path, nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result(), rec.Body.Bytes()
	}
	gunzip := func(b []byte) string {
		t.Helper()
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	paths := []string{"/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.json",
		"/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.csv", planPath, planPath + "/obiettivi/3.2"}
	check := func(step string) map[string]string {
		tags := map[string]string{}
		for _, p := range paths {
			// the first read compresses from a fresh build, the second from the cache
			for range 2 {
				zres, zbody := do(http.MethodGet, p, "br, gzip;q=0.8", "")
				res, body := do(http.MethodGet, p, "", "")
				ztag, tag := zres.Header.Get("ETag"), res.Header.Get("ETag")
				if zres.StatusCode != 200 || zres.Header.Get("Content-Encoding") != "gzip" || ztag == "" || ztag == tag ||
					!strings.Contains(strings.Join(zres.Header.Values("Vary"), ","), "Accept-Encoding") ||
					!strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
					t.Fatalf("%s: %s gzip: %d %v", step, p, zres.StatusCode, zres.Header)
				}
				if zres.Header.Get("Content-Length") != strconv.Itoa(len(zbody)) || len(zbody) >= len(body) ||
					zres.Header.Get("Content-Type") != res.Header.Get("Content-Type") || res.Header.Get("Content-Encoding") != "" {
					t.Fatalf("%s: %s: gzip %d bytes (Content-Length %s, %s), plain %d bytes", step, p, len(zbody),
						zres.Header.Get("Content-Length"), zres.Header.Get("Content-Type"), len(body))
				}
				if gunzip(zbody) != string(body) {
					t.Fatalf("%s: %s: the compressed file is not the file", step, p)
				}
				for _, ae := range []string{"gzip;q=0", "identity", "br", "gzip;q=0, *"} {
					if r, b := do(http.MethodGet, p, ae, ""); r.Header.Get("Content-Encoding") != "" || string(b) != string(body) ||
						r.Header.Get("ETag") != tag {
						t.Fatalf("%s: %s with Accept-Encoding %q: %v", step, p, ae, r.Header)
					}
				}
				if r, _ := do(http.MethodGet, p, "*", ""); r.Header.Get("Content-Encoding") != "gzip" {
					t.Fatalf("%s: %s with Accept-Encoding *: not compressed", step, p)
				}
				if r, b := do(http.MethodHead, p, "gzip", ""); r.StatusCode != 200 || r.Header.Get("ETag") != ztag || len(b) != 0 ||
					r.Header.Get("Content-Length") != strconv.Itoa(len(zbody)) {
					t.Fatalf("%s: %s HEAD: %d %v (%d bytes)", step, p, r.StatusCode, r.Header, len(b))
				}
				for _, held := range []string{tag, ztag} {
					if r, b := do(http.MethodGet, p, "gzip", held); r.StatusCode != http.StatusNotModified || len(b) != 0 || r.Header.Get("ETag") != held {
						t.Fatalf("%s: %s with %s: %d ETag %q", step, p, held, r.StatusCode, r.Header.Get("ETag"))
					}
				}
				tags[p] = ztag
			}
		}
		return tags
	}
	before := check("start")

	reopenReference2023(t, st, auth.User{Username: "segretario", Role: auth.Segretario})
	after := check("reopened")
	for _, path := range paths {
		if before[path] == after[path] {
			t.Errorf("%s: the compressed file kept its tag %s after a change", path, after[path])
		}
		if r, _ := do(http.MethodGet, path, "gzip", before[path]); r.StatusCode != 200 {
			t.Errorf("%s: the old tag answers %d", path, r.StatusCode)
		}
	}

	res, body := do(http.MethodGet, planPath+"/obiettivi/9.9", "gzip", "")
	if res.StatusCode != 404 || res.Header.Get("ETag") != "" || res.Header.Get("Content-Encoding") != "" || !strings.Contains(string(body), "</html>") {
		t.Fatalf("missing objective: %d %v", res.StatusCode, res.Header)
	}
}

// reopenReference2023 reopens the reference plan's 2023 final period as sg
// and returns the plan and the period as they were before.
func reopenReference2023(t *testing.T, st *store.Store, sg auth.User) (model.PlanHeader, model.Period) {
	t.Helper()
	ctx := context.Background()
	hd, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Period(ctx, hd.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetPeriodClosed(ctx, hd, p, false, "rettifica di prova", sg); err != nil {
		t.Fatal(err)
	}
	return hd, p
}
