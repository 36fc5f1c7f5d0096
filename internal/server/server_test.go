package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/server"
	"github.com/piao-performance/piao/internal/testfix"
)

const planPath = "/enti/cciaa-gran-sasso/piani/piao-2023-2025"

// newApp returns the handler on a fresh database holding the reference plan.
func newApp(t *testing.T) (http.Handler, *pgxpool.Pool) {
	t.Helper()
	ref := testfix.Reference(t)
	sessions, stop := server.NewSessions(ref.Pool, server.SessionOptions{})
	t.Cleanup(stop)
	return server.New(ref.Store, sessions, slog.New(slog.NewTextHandler(io.Discard, nil))), ref.Pool
}

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestPages(t *testing.T) {
	t.Parallel()
	h, _ := newApp(t)
	cases := []struct {
		path string
		want []string
	}{
		{"/", []string{"Camera di Commercio del Gran Sasso d&#39;Italia", "PIAO 2023–2025", "Aggiornamento obiettivi (ottobre 2023)"}},
		{planPath, []string{"Albero della performance", "Ambito strategico 1", "Rafforzare lo stato di salute del sistema",
			"Obiettivi trasversali straordinari", "O.3.3.1", "PO.2.1", "Stato di salute dell&#39;Ente", "Segretario Generale",
			"86 note sulla trascrizione", "obiettivi comuni, 21 obiettivi operativi"}},
		// a strategic objective: description, programme, KPIs with three target years
		{planPath + "/obiettivi/3.3", []string{"Programma (D.M. 27/03/2013)", "Vigilanza sui mercati", "Baseline 2022",
			"Target 2025", "≥ 200", "≥ 140", "O.3.3.1"}},
		// an operational objective: owner, units, negative baseline formatted the Italian way
		{planPath + "/obiettivi/O.1.1.8", []string{"Dirigente Area Economico - Finanziaria", "Ufficio Bilancio e Ragioneria",
			"−19,91", "≤ 0", "Indicatore di tempestività dei pagamenti"}},
		// a common objective: percentages, published text beside the interpretation
		{planPath + "/obiettivi/C.1.1", []string{"61,24%", "≥ 61,24%", "Osservatorio bilanci", "Anno ripetuto"}},
		// SI target and n.d. baseline
		{planPath + "/obiettivi/O.1.1.6", []string{"SI", "n.d.", "Protocollo d&#39;intesa"}},
		// stato di salute: derived and component indicators
		{planPath + "/obiettivi/PO.2.1", []string{"Margine di tesoreria", "≥ 1,5", "numero di indicatori che raggiungono il target", "Indicatore di dettaglio"}},
		{planPath + "/obiettivi/O.2.1.1", []string{"Nel documento: «Obiettivo strategico 2.2»", "Obiettivo strategico errato"}},
		{planPath + "/dirigenti/sg", []string{"Segretario Generale", "SG1", "SG_OT_3", "19 obiettivi individuali", "Benchmarking"}},
		{planPath + "/dirigenti/dir-ef", []string{"Dirigente Area Economico-Finanziaria", "21 obiettivi individuali"}},
		{planPath + "/dirigenti/dir-prm", []string{"RPCT", "23 obiettivi individuali", "Obiettivo in qualità di RPCT"}},
		{planPath + "/qualita-dati", []string{"Note sulla qualità dei dati", "Formula invertita", "Codice ripetuto", "Baseline testuale"}},
		{"/opendata", []string{"indicators.csv", "indicators.json", "achievement_pct"}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			res, body := get(t, h, c.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			if !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
				t.Errorf("content type %q", res.Header.Get("Content-Type"))
			}
			if !strings.Contains(body, `<html lang="it">`) {
				t.Error("page is not marked as Italian")
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("missing %q", w)
				}
			}
		})
	}
}

func TestUnknownOrMalformedIsItalian404(t *testing.T) {
	t.Parallel()
	h, _ := newApp(t)
	for _, p := range []string{
		"/nessuna-pagina",
		"/enti/nessun-ente/piani/piao-2023-2025",
		"/enti/cciaa-gran-sasso/piani/piao-1999-2001",
		planPath + "/obiettivi/9.9",
		planPath + "/obiettivi/%00%ff",
		planPath + "/obiettivi/" + strings.Repeat("x", 5000),
		planPath + "/obiettivi/1.1%27%3BDROP%20TABLE%20objectives%3B--",
		planPath + "/dirigenti/nessuno",
		planPath + "/qualita-dati/extra",
		"/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.xml",
		"/opendata/nessun-ente/piao-2023-2025/indicators.csv",
	} {
		res, body := get(t, h, p)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, res.StatusCode)
		}
		if !strings.Contains(body, "Pagina non trovata") {
			t.Errorf("%s: no Italian 404 page", p)
		}
	}
	// the malformed requests above must not have hurt the data
	res, _ := get(t, h, planPath+"/obiettivi/1.1")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("objective 1.1 after malformed requests: %d", res.StatusCode)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	h, _ := newApp(t)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, planPath, strings.NewReader("x=1"))
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("status %d", rec.Code)
	}
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	t.Parallel()
	h, _ := newApp(t)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, planPath, strings.NewReader("x=1"))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("cross-site POST: status %d, want 403", rec.Code)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	h, _ := newApp(t)
	res, _ := get(t, h, "/")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
		t.Errorf("missing nosniff or referrer policy: %v", res.Header)
	}
	if res.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
}

func TestStaticAssetsAreEmbedded(t *testing.T) {
	t.Parallel()
	h, _ := newApp(t)
	for _, p := range []string{"/static/vendor/bootstrap-italia/css/bootstrap-italia.min.css", "/static/css/app.css", "/static/css/fonts.css",
		"/static/vendor/bootstrap-italia/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2"} {
		res, body := get(t, h, p)
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("%s: status %d, %d bytes", p, res.StatusCode, len(body))
		}
	}
}

// TestStaticAssetsAreGzipped: a client that accepts gzip gets the text assets
// compressed, with their type, Vary and caching; fonts, which are compressed
// already, and range requests are sent as they are.
func TestStaticAssetsAreGzipped(t *testing.T) {
	t.Parallel()
	h, _ := newApp(t)
	do := func(method, path string, hdr ...string) (*http.Response, []byte) {
		req := httptest.NewRequest(method, path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result(), rec.Body.Bytes()
	}
	for _, p := range []string{"/static/vendor/bootstrap-italia/css/bootstrap-italia.min.css", "/static/css/app.css",
		"/static/js/progress.js", "/static/js/phone.js"} {
		plain, body := do(http.MethodGet, p)
		for range 2 { // compressed at the first request, then kept
			res, gz := do(http.MethodGet, p, "Accept-Encoding", "gzip, deflate, br")
			if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Content-Type") != plain.Header.Get("Content-Type") ||
				res.Header.Get("Content-Length") != strconv.Itoa(len(gz)) || !strings.Contains(res.Header.Get("Cache-Control"), "max-age") ||
				!strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") || len(gz) >= len(body) {
				t.Fatalf("%s gzip: %d %v, %d bytes (plain %d)", p, res.StatusCode, res.Header, len(gz), len(body))
			}
			zr, err := gzip.NewReader(bytes.NewReader(gz))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, body) {
				t.Fatalf("%s: the compressed asset is not the asset (%v)", p, err)
			}
		}
		if res, b := do(http.MethodHead, p, "Accept-Encoding", "gzip"); res.Header.Get("Content-Encoding") != "gzip" || len(b) != 0 {
			t.Fatalf("%s HEAD: %v, %d bytes", p, res.Header, len(b))
		}
		if res, b := do(http.MethodGet, p, "Accept-Encoding", "gzip", "Range", "bytes=0-9"); res.StatusCode != http.StatusPartialContent ||
			res.Header.Get("Content-Encoding") != "" || !bytes.Equal(b, body[:10]) {
			t.Fatalf("%s range: %d %v", p, res.StatusCode, res.Header)
		}
		if res, b := do(http.MethodGet, p, "Accept-Encoding", "gzip;q=0"); res.Header.Get("Content-Encoding") != "" || !bytes.Equal(b, body) {
			t.Fatalf("%s gzip;q=0: %v", p, res.Header)
		}
	}
	// a font is compressed already; the icon is too small to gain
	for _, p := range []string{"/static/vendor/bootstrap-italia/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2",
		"/static/favicon.svg"} {
		if res, _ := do(http.MethodGet, p, "Accept-Encoding", "gzip"); res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "" {
			t.Fatalf("%s: %d %v", p, res.StatusCode, res.Header)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	h, pool := newApp(t)
	if res, body := get(t, h, "/healthz"); res.StatusCode != 200 || body != "ok\n" {
		t.Fatalf("healthz: %d %q", res.StatusCode, body)
	}
	if res, _ := get(t, h, "/readyz"); res.StatusCode != 200 {
		t.Fatalf("readyz with the database up: %d", res.StatusCode)
	}
	pool.Close() // the database is now unreachable for this handler
	if res, _ := get(t, h, "/readyz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the database gone: %d, want 503", res.StatusCode)
	}
	if res, _ := get(t, h, "/healthz"); res.StatusCode != 200 {
		t.Fatalf("healthz must not depend on the database: %d", res.StatusCode)
	}
}

func openDataCSV(t *testing.T, h http.Handler) []map[string]string {
	t.Helper()
	res, body := get(t, h, "/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.csv")
	if res.StatusCode != 200 {
		t.Fatalf("csv status %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(ct, "utf-8") {
		t.Errorf("content type %q", ct)
	}
	if !strings.Contains(body, "\r\n") {
		t.Error("RFC 4180 wants CRLF line ends")
	}
	r := csv.NewReader(strings.NewReader(body))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(recs[0], ",")
	const want = "ente,plan,area,objective_kind,objective_code,objective_title,indicator_id,indicator_code,indicator_name,algorithm,source,unit,polarity,year,baseline,baseline_text,target_operator,target,target_text,actual,achievement_pct,status"
	if header != want {
		t.Fatalf("header\n got %s\nwant %s", header, want)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, k := range recs[0] {
			m[k] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// TestOpenDataCSVMatchesSource compares values in the public CSV with the text
// of docs/reference/piao-2023-2025-cciaa-gran-sasso.txt (line numbers in comments).
func TestOpenDataCSVMatchesSource(t *testing.T) {
	t.Parallel()
	h, _ := newApp(t)
	rows := openDataCSV(t, h)

	doc := testfix.ReferenceDoc(t)
	// one row per indicator per year with a baseline or a target, every indicator present
	want := 0
	for _, o := range doc.Objectives {
		for _, in := range o.Indicators {
			years := map[int]bool{}
			for _, b := range in.Baselines {
				years[b.Year] = true
			}
			for _, tg := range in.Targets {
				years[tg.Year] = true
			}
			want += len(years)
		}
	}
	if len(rows) != want {
		t.Fatalf("rows: got %d, want %d", len(rows), want)
	}

	find := func(id, year string) map[string]string {
		t.Helper()
		for _, r := range rows {
			if r["indicator_id"] == id && r["year"] == year {
				return r
			}
		}
		t.Fatalf("no row for %s %s", id, year)
		return nil
	}
	type exp struct{ id, year, col, value string }
	for _, e := range []exp{
		// line 102: CSI gradimento, baselines 9 (2021) and 9 (2022), target ">= 8"
		{"2.3/1", "2021", "baseline", "9"},
		{"2.3/1", "2023", "target_text", ">= 8"},
		// line 44: % di incasso del Diritto annuale 61,24% as baseline and target
		{"C.1.1/3", "2022", "baseline", "61.24"},
		{"C.1.1/3", "2022", "baseline_text", "61,24%"},
		{"C.1.1/3", "2024", "target", "61.24"},
		// line 362: negative baseline −19,91 days, target "≤ 0"
		{"O.1.1.8/1", "2022", "baseline", "-19.91"},
		{"O.1.1.8/1", "2023", "target_operator", "<="},
		{"O.1.1.8/1", "2023", "target", "0"},
		// line 113: a text baseline kept verbatim, interpreted as 36 for 2021
		{"C.2.3/2", "2021", "baseline_text", "2021 = 36 2020 = 10"},
		{"C.2.3/2", "2021", "baseline", "36"},
		// line 115: a 2020 value in the 2021 column: no number for 2021, text kept
		{"C.2.3/3", "2021", "baseline", ""},
		{"C.2.3/3", "2021", "baseline_text", "Anno 2020 = 32/660 = 4,84%"},
		// line 332: SI/NO target "SI", baseline "n.d."
		{"O.1.1.6/1", "2023", "target_operator", "yes"},
		{"O.1.1.6/1", "2023", "target", "1"},
		{"O.1.1.6/1", "2022", "baseline_text", "n.d."},
		{"O.1.1.6/1", "2022", "unit", "yes_no"},
		// line 161: a multi-year target series 15884, 19884, 23884
		{"C.3.2/2", "2023", "target", "15884"},
		{"C.3.2/2", "2024", "target", "19884"},
		{"C.3.2/2", "2025", "target", "23884"},
		// line 177: mediations ">= 200" in 2023, ">= 140" afterwards
		{"3.3/1", "2023", "target", "200"},
		{"3.3/1", "2025", "target_text", ">= 140"},
		// line 655: a bare "88" means at least 88
		{"O.3.3.1/2", "2023", "target_operator", ">="},
		{"O.3.3.1/2", "2023", "target_text", "88"},
		// line 297: "zero" as a target means ≤ 0
		{"O.1.1.4/1", "2023", "target_operator", "<="},
		{"O.1.1.4/1", "2023", "target_text", "zero"},
		// line 849: benchmarking baseline "14,20*"
		{"PO.4.1/1", "2022", "baseline", "14.2"},
		{"PO.4.1/1", "2022", "baseline_text", "14,20*"},
		// line 812: stato di salute, margine di tesoreria ≥ 1,5
		{"PO.2.1/3", "2023", "target", "1.5"},
		// line 697: the target the October 2023 update raised to ≥ 5
		{"O.4.2.1/1", "2023", "target", "5"},
		// line 44 header "Anno 2023" twice: the third target column is 2025
		{"C.1.1/1", "2025", "target_text", "5,00%"},
	} {
		if got := find(e.id, e.year)[e.col]; got != e.value {
			t.Errorf("%s %s %s: got %q, want %q", e.id, e.year, e.col, got, e.value)
		}
	}
	r := find("O.1.1.8/1", "2023")
	if r["ente"] != "cciaa-gran-sasso" || r["plan"] != "piao-2023-2025" || r["area"] != "1" || r["objective_kind"] != "operational" ||
		r["polarity"] != "lower_better" || r["unit"] != "days" {
		t.Errorf("descriptive columns: %v", r)
	}
	for _, row := range rows {
		if row["actual"] != "" || row["achievement_pct"] != "" || row["status"] != "" {
			t.Fatalf("no measurements exist yet, but a row has actual/achievement/status: %v", row)
		}
	}
}

func TestOpenDataJSONMatchesCSV(t *testing.T) {
	t.Parallel()
	h, _ := newApp(t)
	rows := openDataCSV(t, h)
	res, body := get(t, h, "/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.json")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var doc struct {
		Ente       string           `json:"ente"`
		Columns    []string         `json:"columns"`
		Indicators []map[string]any `json:"indicators"`
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Ente != "cciaa-gran-sasso" || len(doc.Indicators) != len(rows) || len(doc.Columns) != 22 {
		t.Fatalf("ente %q, %d rows (csv %d), %d columns", doc.Ente, len(doc.Indicators), len(rows), len(doc.Columns))
	}
	for i, row := range rows {
		j := doc.Indicators[i]
		for _, col := range doc.Columns {
			v := j[col]
			var s string
			switch x := v.(type) {
			case nil:
			case json.Number:
				s = x.String()
			case string:
				s = x
			default:
				t.Fatalf("row %d %s: unexpected type %T", i, col, v)
			}
			if s != row[col] {
				t.Fatalf("row %d %s: json %q, csv %q", i, col, s, row[col])
			}
		}
	}
}

// TestRecentObjectivesWithoutSessions: the list of visited objectives lives in
// an HttpOnly, SameSite=Lax cookie of its own and shows on the home page,
// newest first; anonymous visits write no session row (issue 13).
func TestRecentObjectivesWithoutSessions(t *testing.T) {
	t.Parallel()
	h, pool := newApp(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}
	fetch := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	res, body := fetch("/")
	if strings.Contains(body, "Visti di recente") {
		t.Fatal("a new visitor has no recent objectives")
	}
	res, _ = fetch(planPath + "/obiettivi/O.3.3.1")
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "piao_session" {
			t.Fatalf("an anonymous visit got a session cookie: %+v", c)
		}
		if c.Name == "piao_recenti" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("recent-objectives cookie: %+v", cookie)
	}
	fetch(planPath + "/obiettivi/1.1")
	_, body = fetch("/")
	first, second := strings.Index(body, "Visti di recente"), strings.Index(body, "1.1 Assicurare")
	third := strings.Index(body, "O.3.3.1 Promozione")
	if first < 0 || second < 0 || third < 0 || !(first < second && second < third) {
		t.Fatalf("recent objectives missing or out of order (%d %d %d)", first, second, third)
	}
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("anonymous visits wrote %d session rows (%v)", n, err)
	}
}
