package server_test

import (
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// menuLabels returns the labels of the header menu of a page, in order.
func menuLabels(t *testing.T, body string) []string {
	t.Helper()
	nav := regexp.MustCompile(`(?s)<ul class="piao-nav-links" id="piao-nav-links">(.*?)</ul>`).FindStringSubmatch(body)
	if nav == nil {
		t.Fatal("no header menu in the page")
	}
	var labels []string
	for _, m := range regexp.MustCompile(`<a href="[^"]*"(?: aria-current="page")?>(?:<strong>)?([^<]+)`).FindAllStringSubmatch(nav[1], -1) {
		labels = append(labels, m[1])
	}
	return labels
}

// Every role sees its own menu entries in the header; the public sees the
// plan, Amministrazione trasparente › Performance and open data.
func TestHeaderMenuByRole(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()

	want := map[string][]string{
		"":          {"Piano", "Trasparenza", "Open data"},
		"dirigente": {"Le mie misurazioni", "Periodi", "Cruscotto", "Piano", "Trasparenza", "Open data"},
		"segretario": {"Le mie misurazioni", "Approvazioni", "Ritardi", "Periodi", "Cruscotto",
			"Relazione/OIV", "Registro", "Piano", "Trasparenza", "Open data"},
		"admin": {"Le mie misurazioni", "Periodi", "Cruscotto", "Relazione/OIV", "Registro", "Piano", "Amministrazione", "Trasparenza", "Open data"},
	}
	for user, labels := range want {
		c := client(t)
		if user != "" {
			signIn(t, c, srv.URL, user, testPassword)
		}
		_, body := fetch(t, c, srv.URL+refPlan)
		if got := menuLabels(t, body); !slices.Equal(got, labels) {
			t.Errorf("%q: menu %q, want %q", user, got, labels)
		}
		label := `aria-label="Menu principale"`
		if user != "" {
			label = `aria-label="Menu dell&#39;area riservata"`
		}
		mustContain(t, body, label, `aria-controls="piao-nav-links" aria-expanded="false"`, `<script src="/static/js/nav.js">`,
			`aria-current="page"><strong>Piano</strong>`)
	}
	// away from a plan the public menu keeps open data
	_, body := fetch(t, client(t), srv.URL+"/opendata")
	if got := menuLabels(t, body); !slices.Equal(got, []string{"Open data"}) {
		t.Errorf("public menu on /opendata: %q", got)
	}
	// the objective page links its indicators' public history
	_, body = fetch(t, client(t), srv.URL+refPlan+"/obiettivi/O.3.3.1")
	mustContain(t, body, `href="`+refPlan+`/indicatori/O.3.3.1/1">Storico dei valori`)
}

// Every page's footer links the accessibility statement (with the sections
// of the AgID model), the privacy notice and the legal notes, which say that
// their text is the default one until the administration configures its own.
func TestFooterPages(t *testing.T) {
	t.Parallel()
	h, _ := newApp(t)
	for _, path := range []string{"/", "/opendata", "/accessibilita"} {
		_, body := get(t, h, path)
		mustContain(t, body, `<nav aria-label="Informazioni legali e di servizio">`, `href="/accessibilita">Dichiarazione di accessibilità</a>`,
			`href="/privacy">Privacy</a>`, `href="/note-legali">Note legali</a>`)
	}
	// a page of an ente links the ente's own legal pages
	_, body := get(t, h, planPath)
	mustContain(t, body, `<nav aria-label="Informazioni legali e di servizio">`, `href="/enti/cciaa-gran-sasso/accessibilita">Dichiarazione di accessibilità</a>`,
		`href="/enti/cciaa-gran-sasso/privacy">Privacy</a>`, `href="/enti/cciaa-gran-sasso/note-legali">Note legali</a>`)
	pages := map[string][]string{
		"/accessibilita": {"<h1>Dichiarazione di accessibilità</h1>", "Stato di conformità", "Contenuti non accessibili",
			"Redazione della dichiarazione di accessibilità", "Meccanismo di feedback e recapiti", "Modalità di invio delle segnalazioni all'AgID"},
		"/privacy":     {"<h1>Informativa sul trattamento dei dati personali</h1>", "Regolamento (UE) 2016/679"},
		"/note-legali": {"<h1>Note legali</h1>", "CC BY 4.0"},
	}
	for path, wants := range pages {
		res, body := get(t, h, path)
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
		mustContain(t, body, append(wants, "<strong>Testo predefinito.</strong>")...)
	}
}

// Form fields without an error carry no empty aria-describedby (invalid
// HTML); a field with an error names its message.
func TestNoEmptyDescribedBy(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	_, body := fetch(t, client(t), srv.URL+"/accedi")
	mustContain(t, body, `id="username"`)
	if strings.Contains(body, `aria-describedby=""`) {
		t.Error("/accedi: empty aria-describedby")
	}
	oiv := client(t)
	signIn(t, oiv, srv.URL, "oiv", testPassword)
	_, body = fetch(t, oiv, srv.URL+refPlan+"/registro?dal=31/02/2024")
	mustContain(t, body, `aria-describedby="dal-errore"`)
	if strings.Contains(body, `aria-describedby=""`) {
		t.Error("audit page: empty aria-describedby")
	}
}
