package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
)

// signedInClients signs every principal of the matrix in.
func signedInClients(t *testing.T, base string) map[string]*http.Client {
	t.Helper()
	clients := map[string]*http.Client{}
	for _, p := range principals {
		c := client(t)
		if p != "anonymous" {
			if res := signIn(t, c, base, p, testPassword); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign in %s: %d", p, res.StatusCode)
			}
		}
		clients[p] = c
	}
	return clients
}

func do(t *testing.T, c *http.Client, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestSignedInResponsesAreNotStored walks every GET route of the matrix: each
// non-public route served (200) to a signed-in user allowed to see it says
// Cache-Control: no-store, and so do public pages shown to a signed-in user;
// public pages shown to anonymous visitors stay cacheable.
func TestSignedInResponsesAreNotStored(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	clients := signedInClients(t, srv.URL)
	served := 0
	for _, rt := range app.Routes() {
		if rt.Method != http.MethodGet {
			continue
		}
		key := rt.Method + " " + rt.Pattern
		rule, found := rules[key]
		if !found {
			t.Errorf("%s has no rule in the authorization matrix", key)
			continue
		}
		for _, p := range principals {
			if p == "anonymous" {
				continue
			}
			want := rule.def
			if w, ok := rule.expect[p]; ok {
				want = w
			}
			if want != ok {
				continue
			}
			res, _ := do(t, clients[p], http.MethodGet, srv.URL+rule.path)
			if res.StatusCode != http.StatusOK {
				continue
			}
			if rt.Pattern == "/static/*" { // the embedded assets are the same for everyone
				continue
			}
			served++
			if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("%s (%s) as %s: Cache-Control %q, want no-store", key, rule.path, p, cc)
			}
		}
		if rt.Action == auth.Public && rt.Pattern != "/static/*" && rt.Pattern != "/healthz" && rt.Pattern != "/readyz" {
			res, _ := do(t, clients["anonymous"], http.MethodGet, srv.URL+rule.path)
			if res.StatusCode == http.StatusOK && strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
				t.Errorf("%s as anonymous: a public page must stay cacheable, got %q", key, res.Header.Get("Cache-Control"))
			}
		}
	}
	if served < 30 {
		t.Errorf("only %d signed-in GET responses checked", served)
	}
	// the private downloads say private, no-store themselves
	for _, path := range []string{refPlan + "/relazione/2023/relazione-csv.zip", refPlan + "/registro/registro-audit.csv",
		refPlan + "/esporta.json", refPlan + "/modifica/modello.xlsx", refPlan + "/obiettivi/O.3.3.1/evidenze.zip"} {
		res, _ := do(t, clients["admin"], http.MethodGet, srv.URL+path)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
			t.Errorf("%s: %d, Cache-Control %q", path, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
}

// TestHeadAnswersEveryGetRoute: HEAD gets the status and content type of GET
// and no body, for every GET route, anonymous and signed in.
func TestHeadAnswersEveryGetRoute(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	clients := signedInClients(t, srv.URL)
	checked := 0
	for _, rt := range app.Routes() {
		if rt.Method != http.MethodGet {
			continue
		}
		rule := rules[rt.Method+" "+rt.Pattern]
		if rule.path == "" {
			t.Errorf("%s has no rule in the authorization matrix", rt.Pattern)
			continue
		}
		for _, p := range []string{"anonymous", "admin", "oiv", "admin-altro-ente"} {
			get, _ := do(t, clients[p], http.MethodGet, srv.URL+rule.path)
			head, body := do(t, clients[p], http.MethodHead, srv.URL+rule.path)
			if head.StatusCode != get.StatusCode || head.Header.Get("Content-Type") != get.Header.Get("Content-Type") ||
				head.Header.Get("Location") != get.Header.Get("Location") || body != "" {
				t.Errorf("HEAD %s as %s: %d %q %q, GET: %d %q %q", rule.path, p, head.StatusCode, head.Header.Get("Content-Type"),
					head.Header.Get("Location"), get.StatusCode, get.Header.Get("Content-Type"), get.Header.Get("Location"))
			}
			if head.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("HEAD %s as %s: no security headers", rule.path, p)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no GET route")
	}
	// a POST-only route still refuses HEAD with the Italian page
	if res, _ := do(t, clients["admin"], http.MethodHead, srv.URL+"/esci"); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("HEAD /esci: %d", res.StatusCode)
	}
}

// TestCrossOriginRefusalIsItalianAndLogged: a cross-site POST is refused
// with the Italian error page, the security headers and a log line naming
// the origin.
func TestCrossOriginRefusalIsItalianAndLogged(t *testing.T) {
	t.Parallel()
	app, _, logs := authApp(t)
	req := httptest.NewRequest(http.MethodPost, "/accedi", strings.NewReader(url.Values{"username": {"oiv"}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("cross-origin sign-in: %d", rec.Code)
	}
	if !strings.Contains(rec.Body.String(), "Richiesta da un altro sito rifiutata") || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("not the Italian error page: %q", rec.Body.String())
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Request-Id"} {
		if rec.Header().Get(h) == "" {
			t.Errorf("refusal without %s", h)
		}
	}
	id := rec.Header().Get("X-Request-Id")
	if l := logs.String(); !strings.Contains(l, "cross-origin request refused") || !strings.Contains(l, "evil.example") ||
		!strings.Contains(l, "request_id="+id) {
		t.Errorf("refusal not logged with origin and request id: %s", l)
	}
}

// TestStaticHasNoListings: a folder under /static/ is a 404 page, a file is served.
func TestStaticHasNoListings(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	for _, p := range []string{"/static/", "/static/vendor/", "/static/vendor", "/static/css/", "/static/js/", "/static/vendor/htmx/",
		"/static/./", "/static/css/../", "/static/nessuno.css"} {
		res, body := do(t, client(t), http.MethodGet, srv.URL+p)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "Pagina non trovata") || strings.Contains(body, "<pre>") {
			t.Errorf("%s: %d %.200q", p, res.StatusCode, body)
		}
	}
	if res, _ := do(t, client(t), http.MethodGet, srv.URL+"/static/css/app.css"); res.StatusCode != http.StatusOK ||
		!strings.Contains(res.Header.Get("Cache-Control"), "max-age") {
		t.Errorf("app.css: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
}

// TestInvalidQueryText: a NUL byte or invalid UTF-8 (a stray %FF, an
// overlong encoding) in a query parameter answers 400 with an Italian
// message, never 500, on the audit filters and every other GET; in the path
// it is the Italian 404.
func TestInvalidQueryText(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	admin := signedInClients(t, srv.URL)["admin"]
	bad := []string{"%00", "a%00b", "%FF", "%C0%AE", "%E0%80%AF", "%ED%A0%80"}
	var paths []string
	for _, v := range bad {
		for _, k := range []string{"utente", "oggetto", "azione", "dal", "al"} {
			paths = append(paths, refPlan+"/registro?"+k+"="+v, refPlan+"/registro/registro-audit.csv?"+k+"="+v,
				refPlan+"/registro/registro-audit.xlsx?"+k+"="+v)
		}
		paths = append(paths, refPlan+"/cruscotto?periodo="+v, refPlan+"/misurazioni?periodo="+v, refPlan+"/misurazioni?stato="+v,
			refPlan+"/misurazioni/griglia?periodo="+v, refPlan+"/revisioni?da="+v, refPlan+"/ritardi?periodo="+v,
			"/accedi?next="+v, "/?"+v+"=1")
	}
	for _, p := range paths {
		res, body := do(t, admin, http.MethodGet, srv.URL+p)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "caratteri non validi") {
			t.Errorf("%s: %d %.120q", p, res.StatusCode, body)
		}
	}
	// in the path such text names no page: the Italian 404
	for _, v := range bad {
		for _, p := range []string{refPlan + "/obiettivi/" + v, "/enti/" + v + "/piani/x/cruscotto", refPlan + "/relazione/" + v + "/sintesi.csv"} {
			res, body := do(t, admin, http.MethodGet, srv.URL+p)
			if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "Pagina non trovata") {
				t.Errorf("%s: %d %.120q", p, res.StatusCode, body)
			}
		}
	}
	// ordinary filters still work
	if res, _ := do(t, admin, http.MethodGet, srv.URL+refPlan+"/registro?utente=test&azione=plan."); res.StatusCode != http.StatusOK {
		t.Errorf("a valid filter: %d", res.StatusCode)
	}
}
