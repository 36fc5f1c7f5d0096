package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/server"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

// Expected outcomes of the matrix.
const (
	ok        = "ok"        // served (2xx, or a redirect that is not to the sign-in page)
	toSignIn  = "sign-in"   // anonymous: sent to the sign-in page (GET) or 401 (POST)
	forbidden = "forbidden" // 403
	hidden    = "hidden"    // 404: another ente's private data
)

// principals are the identities the matrix walks: anonymous and every role,
// plus an administrator of another ente.
var principals = []string{"anonymous", "admin", "segretario", "dirigente", "referente", "oiv", "lettore", "admin-altro-ente"}

// otherEnte is a minimal second ente, to test isolation.
func otherEnte() *plan.Document {
	v := 1.0
	return &plan.Document{
		Ente: plan.Ente{Slug: "cciaa-chieti-pescara", Name: "Camera di Commercio di Chieti-Pescara"},
		Plan: plan.Info{Slug: "piao-2023-2025", Title: "PIAO 2023–2025", StartYear: 2023, EndYear: 2025,
			Revision: plan.Revision{Label: "Versione di prova"}},
		Areas: []plan.Area{{Number: 1, Title: "Ambito di prova"}},
		Objectives: []plan.Objective{{Code: "1.1", Kind: plan.KindStrategic, Area: 1, Title: "Obiettivo di prova",
			Indicators: []plan.Indicator{{Key: "1.1/1", Name: "Indicatore di prova", Unit: plan.UnitCount, Polarity: plan.PolarityHigher,
				Formula: plan.FormulaDirect, Targets: []plan.Target{{Year: 2023, Operator: ">=", Value: &v, Text: ">= 1"}}}}}},
	}
}

// authApp is the app with the reference plan, a second ente, one account per
// principal (password testPassword), and a log buffer.
// authServer serves authApp over HTTP (closed when t ends) and returns the
// server, the pool, a store on it and the reference plan's header.
func authServer(t *testing.T, opts ...server.Options) (*httptest.Server, *pgxpool.Pool, *store.Store, model.PlanHeader) {
	t.Helper()
	app, pool, _ := authApp(t, opts...)
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	st := store.New(pool)
	h, err := st.PlanHeader(context.Background(), testfix.Ente, testfix.Plan)
	if err != nil {
		t.Fatal(err)
	}
	return srv, pool, st, h
}

func authApp(t *testing.T, opts ...server.Options) (*server.Server, *pgxpool.Pool, *bytes.Buffer) {
	t.Helper()
	ref := testfix.Reference(t)
	pool, st := ref.Pool, ref.Store
	testfix.Load(t, st, otherEnte())
	addUser(t, pool, "admin", auth.Admin, "")
	addUser(t, pool, "segretario", auth.Segretario, "")
	addUser(t, pool, "dirigente", auth.Dirigente, "dir-ef")
	addUser(t, pool, "referente", auth.Referente, "dir-prm")
	addUser(t, pool, "oiv", auth.OIV, "")
	addUser(t, pool, "lettore", auth.Lettore, "")
	addUser(t, pool, "admin-altro-ente", auth.Admin, "", "cciaa-chieti-pescara")
	logs := &bytes.Buffer{}
	sessions, stop := server.NewSessions(pool, server.SessionOptions{})
	t.Cleanup(stop)
	return server.New(st, sessions, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), opts...), pool, logs
}

// routeRule is the expected outcome of a route for each principal, with the
// concrete path used to call it.
type routeRule struct {
	path   string
	body   string            // form body of a POST
	expect map[string]string // principal → outcome; absent principals expect def
	def    string
}

func allOK(path string) routeRule { return routeRule{path: path, def: ok} }

const refPlan = "/enti/cciaa-gran-sasso/piani/piao-2023-2025"

// rules lists EVERY route. A route missing here fails the matrix test.
var rules = map[string]routeRule{
	"GET /healthz":                  allOK("/healthz"),
	"GET /readyz":                   allOK("/readyz"),
	"GET /static/*":                 allOK("/static/css/app.css"),
	"GET /":                         allOK("/"),
	"GET /enti/{ente}/piani/{plan}": allOK(refPlan),
	"GET /enti/{ente}/piani/{plan}/obiettivi/{code}": allOK(refPlan + "/obiettivi/1.1"),
	"GET /enti/{ente}/piani/{plan}/dirigenti/{role}": allOK(refPlan + "/dirigenti/dir-ef"),
	"GET /enti/{ente}/piani/{plan}/qualita-dati":     allOK(refPlan + "/qualita-dati"),
	"GET /opendata":                      allOK("/opendata"),
	"GET /accessibilita":                 allOK("/accessibilita"),
	"GET /privacy":                       allOK("/privacy"),
	"GET /note-legali":                   allOK("/note-legali"),
	"GET /enti/{ente}/accessibilita":     allOK("/enti/cciaa-gran-sasso/accessibilita"),
	"GET /enti/{ente}/privacy":           allOK("/enti/cciaa-gran-sasso/privacy"),
	"GET /enti/{ente}/note-legali":       allOK("/enti/cciaa-gran-sasso/note-legali"),
	"GET /opendata/{ente}/{plan}/{file}": allOK("/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.csv"),
	"GET /accedi":                        allOK("/accedi"),
	"POST /accedi":                       {path: "/accedi", def: ok},                  // an empty form: re-rendered with messages
	"GET /accedi/sso":                    {path: "/accedi/sso", def: hidden},          // SSO not configured here
	"GET /accedi/sso/callback":           {path: "/accedi/sso/callback", def: hidden}, // idem
	"POST /esci":                         {path: "/esci", def: ok, expect: map[string]string{"anonymous": toSignIn}},
	"POST /esci-ovunque":                 {path: "/esci-ovunque", def: ok, expect: map[string]string{"anonymous": toSignIn}},
	"GET /area-riservata":                {path: "/area-riservata", def: ok, expect: map[string]string{"anonymous": toSignIn}},
	"GET /amministrazione/{ente}": {path: "/amministrazione/cciaa-gran-sasso", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin": ok, "admin-altro-ente": hidden}},
	"POST /amministrazione/{ente}/utenti": {path: "/amministrazione/cciaa-gran-sasso/utenti", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin": ok, "admin-altro-ente": hidden}},
	// a user of the ente that does not exist: 404 for its administrator too
	"POST /amministrazione/{ente}/utenti/{username}/stato": {path: "/amministrazione/cciaa-gran-sasso/utenti/nessuno/stato", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin": hidden, "admin-altro-ente": hidden}},
	"POST /amministrazione/{ente}/utenti/{username}/sblocca": {path: "/amministrazione/cciaa-gran-sasso/utenti/nessuno/sblocca", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin": hidden, "admin-altro-ente": hidden}},
	"POST /amministrazione/{ente}/piani": {path: "/amministrazione/cciaa-gran-sasso/piani", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin": ok, "admin-altro-ente": hidden}},
	"GET /amministrazione/{ente}/testi-legali": {path: "/amministrazione/cciaa-gran-sasso/testi-legali", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin": ok, "admin-altro-ente": hidden}},
	// an empty form: re-rendered with 409 (no version) for the ente's administrator
	"POST /amministrazione/{ente}/testi-legali": {path: "/amministrazione/cciaa-gran-sasso/testi-legali", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin": ok, "admin-altro-ente": hidden}},
	"GET /amministrazione/{ente}/notifiche": {path: "/amministrazione/cciaa-gran-sasso/notifiche", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin": ok, "admin-altro-ente": hidden}},
	// a notification that does not exist: 404 for the ente's administrator too
	"POST /amministrazione/{ente}/notifiche/{id}/riprova": {path: "/amministrazione/cciaa-gran-sasso/notifiche/999999/riprova", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin": hidden, "admin-altro-ente": hidden}},
	"POST /area-riservata/notifiche": {path: "/area-riservata/notifiche", def: ok, expect: map[string]string{"anonymous": toSignIn}},
	// creating administrations: the global administrator only (none in this matrix)
	"GET /amministrazione/enti":                           {path: "/amministrazione/enti", def: forbidden, expect: map[string]string{"anonymous": toSignIn}},
	"POST /amministrazione/enti":                          {path: "/amministrazione/enti", def: forbidden, expect: map[string]string{"anonymous": toSignIn}},
	"GET /enti/{ente}/piani/{plan}/misurazioni":           ente(refPlan+"/misurazioni", ok),
	"GET /enti/{ente}/piani/{plan}/cruscotto":             ente(refPlan+"/cruscotto", ok),
	"GET /enti/{ente}/piani/{plan}/indicatori/{code}/{n}": allOK(refPlan + "/indicatori/O.3.3.1/1"),
	"GET /enti/{ente}/piani/{plan}/misurazioni/griglia":   ente(refPlan+"/misurazioni/griglia", ok),
	// an empty grid: nothing to save (422) for everyone of the ente
	"POST /enti/{ente}/piani/{plan}/misurazioni/griglia":   ente(refPlan+"/misurazioni/griglia", ok),
	"GET /enti/{ente}/piani/{plan}/misurazioni/{code}/{n}": ente(refPlan+"/misurazioni/O.3.3.1/1", ok),
	// saving O.3.3.1 (owned by dir-prm): only its dirigente and referente reach the form checks (422 on an empty form)
	"POST /enti/{ente}/piani/{plan}/misurazioni/{code}/{n}": {path: refPlan + "/misurazioni/O.3.3.1/1", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "referente": ok}},
	// approving: only the Segretario Generale (409 here: nothing submitted yet)
	"POST /enti/{ente}/piani/{plan}/misurazioni/{code}/{n}/stato": {path: refPlan + "/misurazioni/O.3.3.1/1/stato",
		body: "azione=approva&versione=0", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "segretario": ok}},
	"POST /enti/{ente}/piani/{plan}/misurazioni/approvazioni": {path: refPlan + "/misurazioni/approvazioni?periodo=2025-final",
		body: "azione=approva", def: forbidden, expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "segretario": ok}},
	"GET /enti/{ente}/piani/{plan}/periodi": ente(refPlan+"/periodi", ok),
	"POST /enti/{ente}/piani/{plan}/periodi/{periodo}": {path: refPlan + "/periodi/2025-final", body: "azione=chiudi", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "segretario": ok}},
	"POST /enti/{ente}/piani/{plan}/periodi/{periodo}/scadenza": {path: refPlan + "/periodi/2025-final/scadenza", body: "scadenza=31/01/2026",
		def: forbidden, expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "admin": ok}},
	"GET /enti/{ente}/piani/{plan}/ritardi": {path: refPlan + "/ritardi", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "segretario": ok}},
	// an attachment that does not exist: 404 for everyone signed in
	"GET /allegati/{id}": {path: "/allegati/999999", def: hidden, expect: map[string]string{"anonymous": toSignIn}},
	"GET /enti/{ente}/piani/{plan}/obiettivi/{code}/evidenze.zip": ente(refPlan+"/obiettivi/O.3.3.1/evidenze.zip", ok),
	// OIV desk, Relazione and audit trail: auditors (OIV), the Segretario Generale and administrators
	"GET /enti/{ente}/piani/{plan}/oiv":                     auditRule(refPlan + "/oiv"),
	"POST /enti/{ente}/piani/{plan}/oiv/verifica":           auditRule(refPlan + "/oiv/verifica"),
	"GET /enti/{ente}/piani/{plan}/relazione/{year}":        auditRule(refPlan + "/relazione/2023"),
	"GET /enti/{ente}/piani/{plan}/relazione/{year}/{file}": auditRule(refPlan + "/relazione/2023/sintesi.csv"),
	"GET /enti/{ente}/piani/{plan}/registro":                auditRule(refPlan + "/registro"),
	// the Relazione as prose: the auditors read it, the Segretario Generale writes it
	"GET /enti/{ente}/piani/{plan}/relazione/{year}/bozza":                             auditRule(refPlan + "/relazione/2023/bozza"),
	"POST /enti/{ente}/piani/{plan}/relazione/{year}/bozza":                            writeRelazioneRule(refPlan + "/relazione/2023/bozza"),
	"POST /enti/{ente}/piani/{plan}/relazione/{year}/bozza/invia":                      writeRelazioneRule(refPlan + "/relazione/2023/bozza/invia"),
	"GET /enti/{ente}/piani/{plan}/relazione/{year}/bozza/sezioni/{section}":           writeRelazioneRule(refPlan + "/relazione/2023/bozza/sezioni/sintesi"),
	"POST /enti/{ente}/piani/{plan}/relazione/{year}/bozza/sezioni/{section}":          writeRelazioneRule(refPlan + "/relazione/2023/bozza/sezioni/sintesi"),
	"GET /enti/{ente}/piani/{plan}/relazione/{year}/bozza/sezioni/{section}/rigenera":  writeRelazioneRule(refPlan + "/relazione/2023/bozza/sezioni/sintesi/rigenera"),
	"POST /enti/{ente}/piani/{plan}/relazione/{year}/bozza/sezioni/{section}/rigenera": writeRelazioneRule(refPlan + "/relazione/2023/bozza/sezioni/sintesi/rigenera"),
	"GET /enti/{ente}/piani/{plan}/registro/{file}":                                    auditRule(refPlan + "/registro/registro-audit.csv"),
	"GET /enti/{ente}/piani/{plan}/relazione/{year}/validazione": // no validation yet: 404 for those allowed
	{path: refPlan + "/relazione/2023/validazione", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "admin": hidden, "segretario": hidden, "oiv": hidden}},
	"GET /enti/{ente}/piani/{plan}/relazione/{year}/validazione/{id}": // a decision that does not exist: 404 for those allowed
	{path: refPlan + "/relazione/2023/validazione/999999", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "admin": hidden, "segretario": hidden, "oiv": hidden}},
	// observations and validation: the OIV only (422 on an empty form)
	"POST /enti/{ente}/piani/{plan}/oiv/osservazioni": {path: refPlan + "/oiv/osservazioni", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "oiv": ok}},
	"POST /enti/{ente}/piani/{plan}/oiv/validazione": {path: refPlan + "/oiv/validazione", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "oiv": ok}},
	"POST /enti/{ente}/piani/{plan}/oiv/validazione/revoca": {path: refPlan + "/oiv/validazione/revoca", def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "oiv": ok}},
	// the plan's revisions and the transparency page are public; a year's published
	// Relazione exists only once the OIV validated it (not in this fixture: 404)
	"GET /enti/{ente}/piani/{plan}/revisioni":                          allOK(refPlan + "/revisioni?da=1&a=2"),
	"GET /trasparenza/{ente}/{plan}":                                   allOK("/trasparenza/cciaa-gran-sasso/piao-2023-2025"),
	"GET /trasparenza/{ente}/{plan}/relazione/{year}":                  {path: "/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023", def: hidden},
	"GET /trasparenza/{ente}/{plan}/relazione/{year}/validazione":      {path: "/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023/validazione", def: hidden},
	"GET /trasparenza/{ente}/{plan}/relazione/{year}/validazione/{id}": {path: "/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023/validazione/1", def: hidden},
	"GET /trasparenza/{ente}/{plan}/relazione/{year}/{file}":           {path: "/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023/relazione.pdf", def: hidden},
	// the plan editor: administrators of the ente (without a draft the forms answer 409 or send to the editor)
	"GET /enti/{ente}/piani/{plan}/modifica":                 editRule(refPlan + "/modifica"),
	"GET /enti/{ente}/piani/{plan}/modifica/organizzazione":  editRule(refPlan + "/modifica/organizzazione"),
	"POST /enti/{ente}/piani/{plan}/modifica/organizzazione": editRule(refPlan + "/modifica/organizzazione"),
	"GET /enti/{ente}/piani/{plan}/modifica/nuovo-ciclo":     editRule(refPlan + "/modifica/nuovo-ciclo"),
	"POST /enti/{ente}/piani/{plan}/modifica/nuovo-ciclo":    editRule(refPlan + "/modifica/nuovo-ciclo"),
	"GET /enti/{ente}/piani/{plan}/modifica/modello.xlsx":    editRule(refPlan + "/modifica/modello.xlsx"),
	"POST /enti/{ente}/piani/{plan}/modifica/importa":        editRule(refPlan + "/modifica/importa"),
	"POST /enti/{ente}/piani/{plan}/modifica/leggi-piao":     editRule(refPlan + "/modifica/leggi-piao"),
	// the review of a read PIAO: no review in this fixture, so the administrator gets 404 after the policy let him through
	"GET /enti/{ente}/piani/{plan}/modifica/leggi-piao/{id}":                          reviewRule(refPlan + "/modifica/leggi-piao/1"),
	"POST /enti/{ente}/piani/{plan}/modifica/leggi-piao/{id}":                         reviewRule(refPlan + "/modifica/leggi-piao/1"),
	"POST /enti/{ente}/piani/{plan}/modifica/leggi-piao/{id}/bozza":                   reviewRule(refPlan + "/modifica/leggi-piao/1/bozza"),
	"POST /enti/{ente}/piani/{plan}/modifica/leggi-piao/{id}/annulla":                 reviewRule(refPlan + "/modifica/leggi-piao/1/annulla"),
	"GET /enti/{ente}/piani/{plan}/regole":                                            editRule(refPlan + "/regole"),
	"POST /enti/{ente}/piani/{plan}/regole":                                           editRule(refPlan + "/regole"),
	"GET /enti/{ente}/piani/{plan}/esporta.json":                                      editRule(refPlan + "/esporta.json"),
	"POST /enti/{ente}/piani/{plan}/modifica/avvia":                                   editRule(refPlan + "/modifica/avvia"),
	"POST /enti/{ente}/piani/{plan}/modifica/adotta":                                  editRule(refPlan + "/modifica/adotta"),
	"POST /enti/{ente}/piani/{plan}/modifica/scarta":                                  editRule(refPlan + "/modifica/scarta"),
	"GET /enti/{ente}/piani/{plan}/modifica/obiettivi/{code}":                         editRule(refPlan + "/modifica/obiettivi/O.3.3.1"),
	"POST /enti/{ente}/piani/{plan}/modifica/obiettivi/{code}":                        editRule(refPlan + "/modifica/obiettivi/O.3.3.1"),
	"POST /enti/{ente}/piani/{plan}/modifica/obiettivi/{code}/elimina":                editRule(refPlan + "/modifica/obiettivi/O.3.3.1/elimina"),
	"GET /enti/{ente}/piani/{plan}/modifica/obiettivi/{code}/indicatori/{n}":          editRule(refPlan + "/modifica/obiettivi/O.3.3.1/indicatori/1"),
	"POST /enti/{ente}/piani/{plan}/modifica/obiettivi/{code}/indicatori/{n}":         editRule(refPlan + "/modifica/obiettivi/O.3.3.1/indicatori/1"),
	"POST /enti/{ente}/piani/{plan}/modifica/obiettivi/{code}/indicatori/{n}/elimina": editRule(refPlan + "/modifica/obiettivi/O.3.3.1/indicatori/1/elimina"),
	"GET /enti/{ente}/piani/{plan}/modifica/ambiti/{n}":                               editRule(refPlan + "/modifica/ambiti/1"),
	"POST /enti/{ente}/piani/{plan}/modifica/ambiti/{n}":                              editRule(refPlan + "/modifica/ambiti/1"),
	"POST /enti/{ente}/piani/{plan}/modifica/ambiti/{n}/elimina":                      editRule(refPlan + "/modifica/ambiti/1/elimina"),
	"GET /enti/{ente}/piani/{plan}/modifica/individuali/{role}":                       editRule(refPlan + "/modifica/individuali/sg"),
	"POST /enti/{ente}/piani/{plan}/modifica/individuali/{role}":                      editRule(refPlan + "/modifica/individuali/sg"),
	"POST /enti/{ente}/piani/{plan}/modifica/individuali/{role}/elimina":              editRule(refPlan + "/modifica/individuali/sg/elimina"),
}

// editRule is a rule for the plan editor of the reference ente: its administrator only.
func editRule(path string) routeRule {
	return routeRule{path: path, def: forbidden, expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "admin": ok}}
}

// reviewRule is a rule for the review of a read PIAO that does not exist:
// the ente's administrators pass the policy and find nothing (404).
func reviewRule(path string) routeRule {
	return routeRule{path: path, def: forbidden, expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "admin": hidden}}
}

// writeRelazioneRule is a rule for the writes of the Relazione draft: the
// Segretario Generale of the reference ente only.
func writeRelazioneRule(path string) routeRule {
	return routeRule{path: path, def: forbidden, expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "segretario": ok}}
}

// auditRule is a rule for the auditors' pages of the reference ente.
func auditRule(path string) routeRule {
	return routeRule{path: path, def: forbidden,
		expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden, "admin": ok, "segretario": ok, "oiv": ok}}
}

// ente is a rule for a private page of the reference ente: its users are
// served, anonymous visitors sent to sign in, another ente's users get 404.
func ente(path, want string) routeRule {
	return routeRule{path: path, def: want, expect: map[string]string{"anonymous": toSignIn, "admin-altro-ente": hidden}}
}

func outcome(res *http.Response) string {
	switch {
	case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/accedi?next="):
		return toSignIn
	case res.StatusCode == http.StatusUnauthorized:
		return toSignIn
	case res.StatusCode == http.StatusForbidden:
		return forbidden
	case res.StatusCode == http.StatusNotFound:
		return hidden
	case res.StatusCode < 400 || res.StatusCode == http.StatusUnprocessableEntity || res.StatusCode == http.StatusConflict:
		// served: the handler ran and answered (422 and 409 are its refusals of the data, not of the user)
		return ok
	}
	return "status " + res.Status
}

// TestAuthorizationMatrix walks every registered route × every principal and
// checks the policy's outcome. It fails for a route without a declared action
// or without a rule here, so no new route escapes the policy.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	routes := app.Routes()
	if len(routes) < len(rules) {
		t.Fatalf("%d routes registered, %d rules", len(routes), len(rules))
	}
	clients := map[string]*http.Client{}
	for _, p := range principals {
		c := client(t)
		if p != "anonymous" {
			if res := signIn(t, c, srv.URL, p, testPassword); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign in %s: %d", p, res.StatusCode)
			}
		}
		clients[p] = c
	}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Pattern
		if rt.Action == "" {
			t.Errorf("%s is registered without a policy action", key)
			continue
		}
		rule, found := rules[key]
		if !found {
			t.Errorf("%s (action %s) has no rule in the authorization matrix", key, rt.Action)
			continue
		}
		for _, p := range principals {
			want := rule.def
			if w, ok := rule.expect[p]; ok {
				want = w
			}
			// sign-out would end the session the next rows need: use a fresh one
			c := clients[p]
			if strings.HasPrefix(rt.Pattern, "/esci") && p != "anonymous" {
				c = client(t)
				signIn(t, c, srv.URL, p, testPassword)
			}
			req, err := http.NewRequest(rt.Method, srv.URL+rule.path, strings.NewReader(rule.body))
			if err != nil {
				t.Fatal(err)
			}
			if rt.Method == http.MethodPost {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if got := outcome(res); got != want {
				t.Errorf("%s as %s: got %s (%d), want %s", key, p, got, res.StatusCode, want)
			}
			// strict security headers on every response, whatever its status
			if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s as %s: security headers missing", key, p)
			}
		}
	}
	for key := range rules {
		found := false
		for _, rt := range routes {
			found = found || rt.Method+" "+rt.Pattern == key
		}
		if !found {
			t.Errorf("rule %s matches no route: remove it", key)
		}
	}
}

// TestSignInLandsOnRoleHome: each role lands on the page of its work.
func TestSignInLandsOnRoleHome(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	want := map[string]string{
		"admin":      "/amministrazione/cciaa-gran-sasso",
		"segretario": refPlan + "/cruscotto?periodo=2025-final", // the current period: no period contains today, the latest open one
		"dirigente":  refPlan + "/misurazioni",
		"referente":  refPlan + "/misurazioni",
		"oiv":        refPlan + "/oiv",
		"lettore":    refPlan,
	}
	for user, home := range want {
		res := signIn(t, client(t), srv.URL, user, testPassword)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != home {
			t.Errorf("%s: %d → %q, want %q", user, res.StatusCode, res.Header.Get("Location"), home)
		}
	}
	// a return address on this site wins; one elsewhere is ignored
	c := client(t)
	res, err := c.PostForm(srv.URL+"/accedi", url.Values{"username": {"lettore"}, "password": {testPassword}, "next": {refPlan + "/obiettivi/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	if loc := res.Header.Get("Location"); loc != refPlan+"/obiettivi/1.1" {
		t.Errorf("next: %q", loc)
	}
	res, err = client(t).PostForm(srv.URL+"/accedi", url.Values{"username": {"lettore"}, "password": {testPassword}, "next": {"//evil.example/x"}})
	if err != nil {
		t.Fatal(err)
	}
	if loc := res.Header.Get("Location"); loc != refPlan {
		t.Errorf("an off-site next must be ignored: %q", loc)
	}
}

func sessionCookie(c *http.Client, base string) string {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "piao_session" {
			return ck.Value
		}
	}
	return ""
}

// TestSessionRenewedOnSignIn: the token a browser had before signing in (here
// the session of an earlier sign-in) is replaced and no longer works;
// sign-out renews it again. Anonymous visits create no session at all.
func TestSessionRenewedOnSignIn(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	c := client(t)
	fetch(t, c, srv.URL+refPlan+"/obiettivi/1.1")
	if sessionCookie(c, srv.URL) != "" {
		t.Fatal("an anonymous visit got a session")
	}
	signIn(t, c, srv.URL, "lettore", testPassword)
	before := sessionCookie(c, srv.URL)
	if before == "" {
		t.Fatal("no pre-sign-in session")
	}
	signIn(t, c, srv.URL, "segretario", testPassword)
	after := sessionCookie(c, srv.URL)
	if after == "" || after == before {
		t.Fatalf("token not renewed on sign-in: %q → %q", before, after)
	}
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE token = $1`, before).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the pre-sign-in session still exists (%d, %v)", n, err)
	}
	// replaying the old token gets an anonymous visitor
	old := client(t)
	u, _ := url.Parse(srv.URL)
	old.Jar.SetCookies(u, []*http.Cookie{{Name: "piao_session", Value: before, Path: "/"}})
	if res, _ := fetch(t, old, srv.URL+"/area-riservata"); outcome(res) != toSignIn {
		t.Fatalf("old token still signed in: %d", res.StatusCode)
	}
	if res, _ := fetch(t, c, srv.URL+"/area-riservata"); res.StatusCode != 200 {
		t.Fatalf("new token: %d", res.StatusCode)
	}
	res, err := c.Post(srv.URL+"/esci", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || sessionCookie(c, srv.URL) == after {
		t.Fatalf("sign-out: %d, token %q", res.StatusCode, sessionCookie(c, srv.URL))
	}
	if res, _ := fetch(t, c, srv.URL+"/area-riservata"); outcome(res) != toSignIn {
		t.Fatal("still signed in after sign-out")
	}
}

// TestSignOutEverywhere ends the account's other sessions too.
func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	laptop, phone := client(t), client(t)
	signIn(t, laptop, srv.URL, "oiv", testPassword)
	signIn(t, phone, srv.URL, "oiv", testPassword)
	res, err := laptop.Post(srv.URL+"/esci-ovunque", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res, _ := fetch(t, phone, srv.URL+"/area-riservata"); outcome(res) != toSignIn {
		t.Fatal("the other device is still signed in")
	}
}

// TestSignInFailuresAreNeutralAndThrottled: wrong password, unknown user and
// disabled user get the same words; after five failures the account is held
// for fifteen minutes even with the right password.
func TestSignInFailuresAreNeutralAndThrottled(t *testing.T) {
	t.Parallel()
	app, pool, logs := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	if err := store.New(pool).SetActive(context.Background(), "lettore", false, "test"); err != nil {
		t.Fatal(err)
	}
	post := func(user, pw string) (int, string) {
		res, err := client(t).PostForm(srv.URL+"/accedi", url.Values{"username": {user}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	var bodies []string
	for _, c := range [][2]string{{"oiv", "sbagliata-sbagliata"}, {"nessuno", testPassword}, {"lettore", testPassword}} {
		code, body := post(c[0], c[1])
		if code != http.StatusUnauthorized || !strings.Contains(body, "Nome utente o password non corretti") {
			t.Fatalf("%s: %d", c[0], code)
		}
		if !strings.Contains(body, `value="`+c[0]+`"`) {
			t.Errorf("%s: the form does not keep the username typed", c[0])
		}
		bodies = append(bodies, strings.ReplaceAll(body, `value="`+c[0]+`"`, ""))
	}
	if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
		t.Error("wrong password, unknown and disabled accounts must get the same page")
	}
	for range 4 { // with the first one above: five failures for oiv
		post("oiv", "sbagliata-sbagliata")
	}
	code, body := post("oiv", testPassword)
	if code != http.StatusTooManyRequests || !strings.Contains(body, "Troppi tentativi") {
		t.Fatalf("sixth attempt: %d", code)
	}
	// another account is not held
	if code, _ := post("segretario", testPassword); code != http.StatusSeeOther {
		t.Fatalf("segretario: %d", code)
	}
	// overlong input: a message beside the field, no 500
	code, body = post(strings.Repeat("x", 500), strings.Repeat("y", 5000))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "troppo lung") {
		t.Fatalf("overlong: %d", code)
	}
	// the audit trail has the security events (sign-in, lockout start), not
	// each failure or refusal; no password in clear anywhere
	var audit string
	if err := pool.QueryRow(context.Background(), `SELECT string_agg(action || ' ' || detail::text, E'\n') FROM audit_events`).Scan(&audit); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"auth.lockout", "auth.sign_in"} {
		if !strings.Contains(audit, w) {
			t.Errorf("audit trail lacks %s", w)
		}
	}
	if strings.Contains(audit, "auth.sign_in_failed") {
		t.Error("failed sign-ins must not be audit events")
	}
	var hashes string
	if err := pool.QueryRow(context.Background(), `SELECT string_agg(password_hash, ' ') FROM users`).Scan(&hashes); err != nil {
		t.Fatal(err)
	}
	for where, text := range map[string]string{"audit trail": audit, "logs": logs.String(), "users table": hashes} {
		if strings.Contains(text, testPassword) || strings.Contains(text, "sbagliata-sbagliata") {
			t.Errorf("a password in clear in the %s", where)
		}
	}
}

func TestCrossOriginSignInRefused(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	req := httptest.NewRequest(http.MethodPost, "/accedi", strings.NewReader(url.Values{"username": {"oiv"}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("cross-origin sign-in: %d", rec.Code)
	}
}

// TestIdleSessionsEnd: a signed-in session unused for longer than the idle
// timeout is anonymous again (here the timeout is a nanosecond).
func TestIdleSessionsEnd(t *testing.T) {
	t.Parallel()
	_, pool, _ := authApp(t)
	sessions, stop := server.NewSessions(pool, server.SessionOptions{})
	t.Cleanup(stop)
	app := server.New(store.New(pool), sessions, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{IdleTimeout: time.Nanosecond})
	srv := httptest.NewServer(app)
	defer srv.Close()
	c := client(t)
	if res := signIn(t, c, srv.URL, "oiv", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	if res, _ := fetch(t, c, srv.URL+"/area-riservata"); outcome(res) != toSignIn {
		t.Fatalf("an idle session is still signed in: %d", res.StatusCode)
	}
}
