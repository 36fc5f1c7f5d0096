package server_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/store"
)

// TestEnteLegalTexts: the ente's pages show the default text, marked, until an
// administrator saves the ente's texts; bad input is refused with Italian
// messages beside the fields and the values kept; a stale form gets 409; a
// save is one audit event; the footer of an ente's pages links its own pages.
func TestEnteLegalTexts(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	st := store.New(pool)
	const ente = "/enti/cciaa-gran-sasso"
	form := srv.URL + "/amministrazione/cciaa-gran-sasso/testi-legali"

	// default text, clearly marked, on the ente's pages; the footer links them
	for _, p := range []string{"/accessibilita", "/privacy", "/note-legali"} {
		res, body := fetch(t, client(t), srv.URL+ente+p)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Testo predefinito") {
			t.Fatalf("%s before configuration: %d, default marked %v", p, res.StatusCode, strings.Contains(body, "Testo predefinito"))
		}
		for _, link := range []string{ente + "/accessibilita", ente + "/privacy", ente + "/note-legali"} {
			if !strings.Contains(body, `href="`+link+`"`) {
				t.Errorf("%s: footer does not link %s", p, link)
			}
		}
	}
	if res, _ := fetch(t, client(t), srv.URL+"/enti/nessuno/privacy"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown ente: %d, want 404", res.StatusCode)
	}
	// the global pages keep linking the global ones
	if _, body := fetch(t, client(t), srv.URL+"/privacy"); !strings.Contains(body, `href="/note-legali"`) {
		t.Error("global page: footer does not link /note-legali")
	}

	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	res, body := fetch(t, admin, form)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `name="versione" value="0"`) || !strings.Contains(body, `<label for="privacy"`) {
		t.Fatalf("form: %d\n%s", res.StatusCode, body)
	}
	events := func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'ente.legal'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	good := url.Values{"versione": {"0"}, "conformita": {"parziale"}, "metodo": {"autovalutazione"}, "redazione": {"15/03/2024"},
		"riesame": {"20/09/2024"}, "recapito": {"rtd@gran-sasso.camcom.it"}, "modulo-agid": {"https://form.agid.gov.it/segnalazione"},
		"non-accessibili": {"I verbali scansionati del 2023.\n\nAlcuni grafici senza testo alternativo."},
		"privacy":         {"Titolare: Camera di Commercio del Gran Sasso.\n\nDPO: dpo@gran-sasso.camcom.it"},
		"note-legali":     {"Contenuti in licenza CC BY 4.0."}}

	// bad input: 422, Italian messages beside the fields, values kept, nothing stored
	bad := url.Values{}
	for k, v := range good {
		bad[k] = v
	}
	bad.Set("redazione", "2024-03-15")
	bad.Set("modulo-agid", "javascript:alert(1)")
	bad.Set("conformita", "forse")
	res, body = postForm(t, admin, form, bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad input: %d", res.StatusCode)
	}
	for _, want := range []string{`id="redazione-errore"`, "Scrivi la data come gg/mm/aaaa", `id="modulo-agid-errore"`, "https://",
		`id="conformita-errore"`, `value="2024-03-15"`, "Alcuni grafici senza testo alternativo.", `href="#redazione"`} {
		if !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("bad input page lacks %q", want)
		}
	}
	if n := events(); n != 0 {
		t.Fatalf("bad input audited: %d events", n)
	}

	// a good save: 303, one audit event, the public pages show the texts without the default mark
	if res, _ := postForm(t, admin, form, good); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if n := events(); n != 1 {
		t.Fatalf("audit events after save: %d, want 1", n)
	}
	id, err := st.EnteID(ctx, "cciaa-gran-sasso")
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.EnteLegal(ctx, id)
	if err != nil || l.Version != 1 || l.Conformity != "parziale" || l.PreparedOn == nil {
		t.Fatalf("stored: %+v %v", l, err)
	}
	checks := map[string][]string{
		"/accessibilita": {"Parzialmente conforme", "15/03/2024", "20/09/2024", "Autovalutazione", "rtd@gran-sasso.camcom.it",
			`href="https://form.agid.gov.it/segnalazione"`, "<p>I verbali scansionati del 2023.</p>"},
		"/privacy":     {"<p>Titolare: Camera di Commercio del Gran Sasso.</p>", "<p>DPO: dpo@gran-sasso.camcom.it</p>"},
		"/note-legali": {"<p>Contenuti in licenza CC BY 4.0.</p>"},
	}
	for p, wants := range checks {
		res, body := fetch(t, client(t), srv.URL+ente+p)
		if res.StatusCode != http.StatusOK || strings.Contains(body, "Testo predefinito") {
			t.Errorf("%s after save: %d, still marked default %v", p, res.StatusCode, strings.Contains(body, "Testo predefinito"))
		}
		for _, w := range wants {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", p, w)
			}
		}
	}
	// the software's global pages keep the default text
	if _, body := fetch(t, client(t), srv.URL+"/privacy"); !strings.Contains(body, "Testo predefinito") {
		t.Error("global privacy page lost its default mark")
	}

	// a stale form (built on version 0): 409, current texts shown, nothing changed
	stale := url.Values{}
	for k, v := range good {
		stale[k] = v
	}
	stale.Set("privacy", "Testo vecchio")
	res, body = postForm(t, admin, form, stale)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Nel frattempo") || !strings.Contains(body, `name="versione" value="1"`) {
		t.Fatalf("stale form: %d", res.StatusCode)
	}
	if l, _ := st.EnteLegal(ctx, id); l.Version != 1 || strings.Contains(l.Privacy, "vecchio") {
		t.Fatalf("stale form changed the texts: %+v", l)
	}
	if n := events(); n != 1 {
		t.Fatalf("stale form audited: %d events", n)
	}
}
