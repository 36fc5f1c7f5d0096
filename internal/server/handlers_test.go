package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestUnknownPlanUnderPlanRoutes: the plan of /enti/{ente}/piani/{plan}/… is
// resolved once, before the handler (planParam). A plan that does not exist
// in an existing ente is judged by the policy first, as before the resolver
// loaded it: a visitor is sent to sign in, another ente's user sees 404
// (hidden), the ente's own user sees the Italian 404 page where the policy
// allows the action and 403 where it does not; public pages answer 404 to
// everyone.
func TestUnknownPlanUnderPlanRoutes(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	const missing = "/enti/cciaa-gran-sasso/piani/piao-1999-2001"

	anon := client(t)
	res, _ := fetch(t, anon, srv.URL+missing+"/misurazioni")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/accedi?next=") {
		t.Errorf("anonymous, unknown plan: %d %q, want 303 to the sign-in page", res.StatusCode, res.Header.Get("Location"))
	}
	for _, p := range []string{missing + "/revisioni", "/trasparenza/cciaa-gran-sasso/piao-1999-2001",
		"/enti/nessun-ente/piani/piao-2023-2025/misurazioni"} {
		res, body := fetch(t, anon, srv.URL+p)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "Pagina non trovata") {
			t.Errorf("anonymous %s: %d, want the Italian 404 page", p, res.StatusCode)
		}
	}

	for _, who := range []string{"referente", "admin-altro-ente"} {
		c := client(t)
		if res := signIn(t, c, srv.URL, who, testPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in %s: %d", who, res.StatusCode)
		}
		for p, want := range map[string]int{missing + "/misurazioni": http.StatusNotFound, missing + "/periodi": http.StatusNotFound,
			// the policy still comes first: a referente may not open the editor of any plan
			missing + "/modifica": map[string]int{"referente": http.StatusForbidden, "admin-altro-ente": http.StatusNotFound}[who]} {
			res, body := fetch(t, c, srv.URL+p)
			if res.StatusCode != want {
				t.Errorf("%s %s: %d, want %d", who, p, res.StatusCode, want)
			}
			if want == http.StatusNotFound && !strings.Contains(body, "Pagina non trovata") {
				t.Errorf("%s %s: no Italian 404 page", who, p)
			}
		}
		// the plan that exists is served to its ente's user, hidden from the other
		want := map[string]int{"referente": http.StatusOK, "admin-altro-ente": http.StatusNotFound}[who]
		if res, _ := fetch(t, c, srv.URL+refPlan+"/periodi"); res.StatusCode != want {
			t.Errorf("%s %s/periodi: %d, want %d", who, refPlan, res.StatusCode, want)
		}
	}
}

// TestReadFormRefusesUnreadableForms: a form that cannot be parsed, or is
// larger than the form's own limit (below the route's), is a 400 with the
// Italian message, and nothing is saved.
func TestReadFormRefusesUnreadableForms(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	c := client(t)
	if res := signIn(t, c, srv.URL, "admin", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	_, before := fetch(t, c, srv.URL+refPlan+"/regole")
	for name, body := range map[string]string{
		"bad escape":            "tetto=%zz&motivo=prova",
		"over the form's 16 kB": "motivo=" + strings.Repeat("x", 20<<10),
	} {
		res, err := c.Post(srv.URL+refPlan+"/regole", "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "Il modulo inviato non è leggibile o è troppo grande.") {
			t.Errorf("%s: %d, want 400 with the Italian message", name, res.StatusCode)
		}
	}
	if _, after := fetch(t, c, srv.URL+refPlan+"/regole"); after != before {
		t.Error("the rules page changed after refused forms")
	}
}
