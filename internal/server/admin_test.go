package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
)

// TestNewAdministrationBuildsItsPlan: the global administrator creates an
// ente; its plan is built from nothing in the browser (organisation, an
// area, a strategic and an operational objective with a target) and adopted
// as its first version; a new account gets a first password shown once and
// signs in with it; nothing of the other ente shows through.
func TestNewAdministrationBuildsItsPlan(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	addUser(t, pool, "root", auth.Admin, "", "")
	srv := httptest.NewServer(app)
	defer srv.Close()
	root := client(t)
	signIn(t, root, srv.URL, "root", testPassword)
	if res, body := postForm(t, root, srv.URL+"/amministrazione/enti", url.Values{"slug": {"Comune Prova"}, "nome": {""}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Solo lettere minuscole") || !strings.Contains(body, "Campo obbligatorio.") {
		t.Fatalf("bad ente form: %d", res.StatusCode)
	}
	res, _ := postForm(t, root, srv.URL+"/amministrazione/enti", url.Values{"slug": {"comune-di-prova"}, "nome": {"Comune di Prova"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create ente: %d", res.StatusCode)
	}
	adm := srv.URL + "/amministrazione/comune-di-prova"
	res, _ = postForm(t, root, adm+"/piani", url.Values{"slug": {"piao-2025-2027"}, "titolo": {"PIAO 2025–2027"}, "inizio": {"2025"}, "fine": {"2027"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create plan: %d", res.StatusCode)
	}
	ed := srv.URL + "/enti/comune-di-prova/piani/piao-2025-2027/modifica"
	if res, _ := postForm(t, root, ed+"/avvia", url.Values{"etichetta": {"Prima versione"}, "vigore": {"01/01/2025"}, "motivo": {"Adozione del piano"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d", res.StatusCode)
	}
	version := func() string {
		_, body := fetch(t, root, ed)
		return regexp.MustCompile(`name="versione" value="(\d+)"`).FindStringSubmatch(body)[1]
	}
	steps := []struct {
		path   string
		fields url.Values
	}{
		{"/organizzazione", url.Values{"azione": {"unita"}, "unita-chiave": {"segreteria"}, "unita-nome": {"Segreteria generale"}}},
		{"/organizzazione", url.Values{"azione": {"ruolo"}, "ruolo-chiave": {"sg"}, "ruolo-titolo": {"Segretario Generale"}, "ruolo-unita": {"segreteria"}}},
		{"/ambiti/nuovo", url.Values{"numero": {"1"}, "titolo": {"Amministrazione efficiente"}}},
		{"/obiettivi/nuovo", url.Values{"codice": {"1.1"}, "tipo": {"strategic"}, "ambito": {"1"}, "titolo": {"Servizi più rapidi"}, "responsabili": {"sg"}}},
		{"/obiettivi/nuovo", url.Values{"codice": {"O.1.1.1"}, "tipo": {"operational"}, "ambito": {"1"}, "padre": {"1.1"}, "titolo": {"Ridurre i tempi delle pratiche"},
			"responsabili": {"sg"}, "unita": {"segreteria"}}},
		{"/obiettivi/O.1.1.1/indicatori/nuovo", url.Values{"nome": {"Tempo medio di evasione"}, "unita-misura": {"days"}, "polarita": {"lower_better"},
			"formula": {"direct"}, "op-2025": {"<="}, "val-2025": {"30"}, "op-2026": {"<="}, "val-2026": {"25"}}},
	}
	for _, st := range steps {
		st.fields.Set("versione", version())
		if res, body := postForm(t, root, ed+st.path, st.fields); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", st.path, res.StatusCode, errorsIn(body))
		}
	}
	if res, body := postForm(t, root, ed+"/adotta", url.Values{"versione": {version()}, "passo": {"conferma"}, "conferma": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("adopt: %d %s", res.StatusCode, errorsIn(body))
	}
	_, body := fetch(t, client(t), srv.URL+"/enti/comune-di-prova/piani/piao-2025-2027/obiettivi/O.1.1.1")
	mustContain(t, body, "Ridurre i tempi delle pratiche", "Tempo medio di evasione", "≤ 30", "Prima versione")
	var revisions int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM revisions r JOIN plans p ON p.id = r.plan_id WHERE p.slug = 'piao-2025-2027'`).Scan(&revisions); err != nil || revisions != 1 {
		t.Errorf("the first version is the plan's only revision: %d %v", revisions, err)
	}

	// A new account of the ente: its first password is on the page, once.
	res, body = postForm(t, root, adm+"/utenti", url.Values{"username": {"sg.prova"}, "nome": {"Segretaria di prova"}, "profilo": {"segretario"}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create user: %d %s", res.StatusCode, errorsIn(body))
	}
	m := regexp.MustCompile(`Password iniziale di <strong>sg.prova</strong>: <code>([A-Za-z0-9]{20})</code>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no first password on the page")
	}
	sg := client(t)
	if res := signIn(t, sg, srv.URL, "sg.prova", m[1]); res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "comune-di-prova") {
		t.Fatalf("sign in with the first password: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := fetch(t, sg, srv.URL+refPlan+"/cruscotto"); res.StatusCode != http.StatusNotFound {
		t.Errorf("the new ente's user sees the other ente's dashboard: %d", res.StatusCode)
	}
	if res, body := postForm(t, root, adm+"/utenti", url.Values{"username": {"dir.x"}, "nome": {"X"}, "profilo": {"dirigente"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "posizione dirigenziale") || !strings.Contains(body, `value="dir.x"`) {
		t.Errorf("dirigente without a position: %d", res.StatusCode)
	}
	// the ente's own administrator cannot create enti
	if res, _ := fetch(t, client(t), srv.URL+"/amministrazione/enti"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous at the enti page: %d", res.StatusCode)
	}
	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	if res, _ := fetch(t, admin, srv.URL+"/amministrazione/enti"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an ente's administrator at the enti page: %d", res.StatusCode)
	}
	if res, _ := fetch(t, admin, adm); res.StatusCode != http.StatusNotFound {
		t.Errorf("another ente's administration: %d", res.StatusCode)
	}
}

// errorsIn extracts the field messages of a page, for failure reports.
func errorsIn(body string) string {
	var out []string
	for _, m := range regexp.MustCompile(`(?s)class="(?:invalid-feedback d-block|alert alert-[a-z]+)"[^>]*>(.*?)</div>`).FindAllStringSubmatch(body, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return strings.Join(out, " | ")
}
