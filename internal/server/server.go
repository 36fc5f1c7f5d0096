// Package server is the HTTP layer: the chi router, middleware and one handler
// file per feature. Handlers decode and authorize, call the store, and render
// templ components; they never build SQL. Every route is registered with the
// action it performs, and the policy in package auth decides who may.
package server

import (
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"sort"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/password"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/web"
)

// Options are optional features of the server.
type Options struct {
	OIDC        *OIDC         // single sign-on; nil when not configured
	IdleTimeout time.Duration // signed-in sessions end after this long without requests; 0 = one hour
	Limits      Limits        // zero fields take the defaults of DefaultLimits
	// MaxConcurrentHashes bounds the password hashes (64 MiB each) running at
	// once; 0 = DefaultConcurrentHashes.
	MaxConcurrentHashes int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; none by default.
	TrustedProxies []netip.Prefix
	// MailEnabled says e-mail is configured (PIAO_SMTP_HOST); the outbox page says so when not
	MailEnabled bool
}

// Server holds the dependencies of the handlers and the router.
type Server struct {
	store    *store.Store
	sessions *scs.SessionManager
	log      *slog.Logger
	oidc     *OIDC
	idle     time.Duration
	limits   Limits
	router   chi.Router
	handler  http.Handler
	// dashboards and cockpits cache built dashboards and the cockpit's
	// counts and queue, and heads the plan's header and periods, checked
	// against the plan's version on every read; cards caches scored
	// periods, checked against the store's fingerprint
	heads      fpCache[planHead]
	versions   versionBatch[model.PublicVersion] // plan versions read once for the requests waiting on them
	dashboards dashCache
	cockpits   fpCache[cockpitParts]
	cards      cardCache
	// public keeps anonymous public pages and open-data files by URL,
	// checked against the plan's public version on every read
	public  publicCache
	actions map[string]auth.Action // "METHOD pattern" → action
	// hashSlots holds one token per password hash allowed to run at once
	hashSlots chan struct{}
	// checkPassword is auth.CheckPassword; tests count the hashes through it
	checkPassword  func(pw, hash string) bool
	throttle       store.ThrottlePolicy
	trustedProxies []netip.Prefix
	// bufs recycles the buffers pages are rendered into (a dashboard is ~70 KiB)
	bufs sync.Pool
	// mailEnabled: notifications are sent (otherwise they stay queued)
	mailEnabled bool
}

// New returns the application's HTTP handler.
func New(st *store.Store, sessions *scs.SessionManager, log *slog.Logger, opts ...Options) *Server {
	s := &Server{store: st, sessions: sessions, log: log, actions: map[string]auth.Action{}, idle: idleTimeout, limits: DefaultLimits(),
		checkPassword: password.Check, throttle: store.DefaultThrottle}
	hashes := DefaultConcurrentHashes()
	// A session that cannot be loaded or saved (the database is down) gets
	// the Italian error page, 503 when unreachable, not scs's plain-text 500.
	sessions.ErrorFunc = s.serverError
	for _, o := range opts {
		if o.OIDC != nil {
			s.oidc = o.OIDC
		}
		if o.IdleTimeout > 0 {
			s.idle = o.IdleTimeout
		}
		s.limits = s.limits.with(o.Limits)
		if o.MaxConcurrentHashes > 0 {
			hashes = o.MaxConcurrentHashes
		}
		s.trustedProxies = append(s.trustedProxies, o.TrustedProxies...)
		s.mailEnabled = s.mailEnabled || o.MailEnabled
	}
	s.hashSlots = make(chan struct{}, hashes)
	r := chi.NewRouter()
	// Cross-origin refusals and URLs with NUL or invalid UTF-8 are answered
	// inside the chain, so they get the request id, the log line and the
	// security headers; every body is limited by route before any parsing;
	// every GET route answers HEAD too (monitors probe /healthz).
	r.Use(requestID, s.logRequests, s.recoverPanics, s.securityHeaders, s.crossOrigin, s.cleanURL, s.limitBodies, middleware.GetHead)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)
	s.router = r

	static, err := fs.Sub(web.Static, "static")
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}

	// No session: probes and assets.
	s.route(r, http.MethodGet, "/healthz", auth.Public, none, s.healthz)
	s.route(r, http.MethodGet, "/readyz", auth.Public, none, s.readyz)
	s.route(r, http.MethodGet, "/static/*", auth.Public, none, s.staticFiles(static))

	r.Group(func(r chi.Router) {
		r.Use(withSessionUser, sessions.LoadAndSave, s.authenticate, noStoreSignedIn)
		// Transparency: the published plan and the scores of closed periods are public.
		s.route(r, http.MethodGet, "/", auth.Public, none, s.home)
		s.route(r, http.MethodGet, "/enti/{ente}/piani/{plan}", auth.Public, none, s.cachedPublic(s.planPage))
		s.route(r, http.MethodGet, "/enti/{ente}/piani/{plan}/obiettivi/{code}", auth.Public, none, s.cachedPublic(s.objectivePage))
		s.route(r, http.MethodGet, "/enti/{ente}/piani/{plan}/dirigenti/{role}", auth.Public, none, s.rolePage)
		s.route(r, http.MethodGet, "/enti/{ente}/piani/{plan}/qualita-dati", auth.Public, none, s.notesPage)
		s.route(r, http.MethodGet, "/enti/{ente}/piani/{plan}/indicatori/{code}/{n}", auth.Public, planParam, s.cachedPublic(s.indicatorPage))
		s.route(r, http.MethodGet, "/enti/{ente}/piani/{plan}/revisioni", auth.Public, planParam, s.revisionsPage)
		s.route(r, http.MethodGet, "/opendata", auth.Public, none, s.openDataIndex)
		// Footer pages.
		s.route(r, http.MethodGet, "/accessibilita", auth.Public, none, s.accessibilityPage)
		s.route(r, http.MethodGet, "/privacy", auth.Public, none, s.privacyPage)
		s.route(r, http.MethodGet, "/note-legali", auth.Public, none, s.legalNotesPage)
		s.route(r, http.MethodGet, "/enti/{ente}/accessibilita", auth.Public, none, s.enteAccessibilityPage)
		s.route(r, http.MethodGet, "/enti/{ente}/privacy", auth.Public, none, s.entePrivacyPage)
		s.route(r, http.MethodGet, "/enti/{ente}/note-legali", auth.Public, none, s.enteLegalNotesPage)
		// Amministrazione trasparente › Performance: results once the OIV validated the year.
		const tr = "/trasparenza/{ente}/{plan}"
		s.route(r, http.MethodGet, tr, auth.Public, planParam, s.cachedPublic(s.transparencyPage))
		s.route(r, http.MethodGet, tr+"/relazione/{year}", auth.Public, planParam, s.cachedPublic(s.publicRelazionePage))
		s.route(r, http.MethodGet, tr+"/relazione/{year}/validazione", auth.Public, planParam, s.publicValidationDocument)
		s.route(r, http.MethodGet, tr+"/relazione/{year}/validazione/{id}", auth.Public, planParam, s.publicDecisionDocument)
		s.route(r, http.MethodGet, tr+"/relazione/{year}/{file}", auth.Public, planParam, s.publicRelazioneFile)
		s.route(r, http.MethodGet, "/opendata/{ente}/{plan}/{file}", auth.Public, none, s.cachedPublic(s.openDataFile))

		// Signing in and out.
		s.route(r, http.MethodGet, "/accedi", auth.Public, none, s.signInForm)
		s.route(r, http.MethodPost, "/accedi", auth.Public, none, s.signIn)
		s.route(r, http.MethodGet, "/accedi/sso", auth.Public, none, s.ssoStart)
		s.route(r, http.MethodGet, "/accedi/sso/callback", auth.Public, none, s.ssoCallback)
		s.route(r, http.MethodPost, "/esci", auth.SignedIn, none, s.signOut)
		s.route(r, http.MethodPost, "/esci-ovunque", auth.SignedIn, none, s.signOutEverywhere)

		// Reporting actuals: the ente's users; finer checks (owner, reviewer) inside the handlers.
		const pl = "/enti/{ente}/piani/{plan}"
		s.route(r, http.MethodGet, pl+"/cruscotto", auth.ViewPrivate, enteParam, s.dashboardPage)
		s.route(r, http.MethodGet, pl+"/misurazioni", auth.ViewPrivate, planParam, s.worklist)
		s.route(r, http.MethodGet, pl+"/misurazioni/griglia", auth.ViewPrivate, planParam, s.gridPage)
		s.route(r, http.MethodPost, pl+"/misurazioni/griglia", auth.ViewPrivate, planParam, s.saveGrid)
		s.route(r, http.MethodGet, pl+"/misurazioni/{code}/{n}", auth.ViewPrivate, planParam, s.entryPage)
		s.route(r, http.MethodPost, pl+"/misurazioni/{code}/{n}", auth.ViewPrivate, planParam, s.saveEntry)
		s.route(r, http.MethodPost, pl+"/misurazioni/{code}/{n}/stato", auth.ViewPrivate, planParam, s.transition)
		s.route(r, http.MethodPost, pl+"/misurazioni/approvazioni", auth.Approve, planParam, s.bulkApprovals)
		s.route(r, http.MethodGet, pl+"/periodi", auth.ViewPrivate, planParam, s.periodsPage)
		s.route(r, http.MethodPost, pl+"/periodi/{periodo}", auth.Approve, planParam, s.setPeriod)
		s.route(r, http.MethodPost, pl+"/periodi/{periodo}/scadenza", auth.EditPlan, planParam, s.setDeadline)
		s.route(r, http.MethodGet, pl+"/ritardi", auth.Approve, planParam, s.latePage)
		s.route(r, http.MethodGet, "/allegati/{id}", auth.SignedIn, none, s.attachment)
		s.route(r, http.MethodGet, pl+"/obiettivi/{code}/evidenze.zip", auth.ViewPrivate, enteParam, s.evidencePack)

		// OIV: reports, audit trail, observations and validation.
		s.route(r, http.MethodGet, pl+"/oiv", auth.Audit, planParam, s.oivPage)
		s.route(r, http.MethodPost, pl+"/oiv/verifica", auth.Audit, planParam, s.verifyChain)
		s.route(r, http.MethodPost, pl+"/oiv/osservazioni", auth.Observe, planParam, s.addObservation)
		s.route(r, http.MethodPost, pl+"/oiv/validazione", auth.Observe, planParam, s.setValidation)
		s.route(r, http.MethodPost, pl+"/oiv/validazione/revoca", auth.Observe, planParam, s.withdrawValidation)
		s.route(r, http.MethodGet, pl+"/relazione/{year}", auth.Audit, planParam, s.relazionePage)
		s.route(r, http.MethodGet, pl+"/relazione/{year}/validazione", auth.Audit, planParam, s.validationDocument)
		s.route(r, http.MethodGet, pl+"/relazione/{year}/validazione/{id}", auth.Audit, planParam, s.decisionDocument)
		s.route(r, http.MethodGet, pl+"/relazione/{year}/{file}", auth.Audit, planParam, s.relazioneFile)
		s.route(r, http.MethodGet, pl+"/relazione/{year}/bozza", auth.Audit, planParam, s.relazioneDraftPage)
		s.route(r, http.MethodPost, pl+"/relazione/{year}/bozza", auth.WriteRelazione, planParam, s.createRelazioneDraft)
		s.route(r, http.MethodGet, pl+"/relazione/{year}/bozza/sezioni/{section}", auth.WriteRelazione, planParam, s.relazioneDraftSection)
		s.route(r, http.MethodPost, pl+"/relazione/{year}/bozza/sezioni/{section}", auth.WriteRelazione, planParam, s.relazioneDraftSection)
		s.route(r, http.MethodGet, pl+"/relazione/{year}/bozza/sezioni/{section}/rigenera", auth.WriteRelazione, planParam, s.relazioneDraftRegenerate)
		s.route(r, http.MethodPost, pl+"/relazione/{year}/bozza/sezioni/{section}/rigenera", auth.WriteRelazione, planParam, s.relazioneDraftRegenerate)
		s.route(r, http.MethodPost, pl+"/relazione/{year}/bozza/invia", auth.WriteRelazione, planParam, s.sendRelazioneDraft)
		s.route(r, http.MethodGet, pl+"/registro", auth.Audit, planParam, s.auditPage)
		s.route(r, http.MethodGet, pl+"/registro/{file}", auth.Audit, planParam, s.auditExport)

		// Editing the plan: administrators, through a draft revision.
		const ed = pl + "/modifica"
		s.route(r, http.MethodGet, ed, auth.EditPlan, planParam, s.editorPage)
		s.route(r, http.MethodPost, ed+"/avvia", auth.EditPlan, planParam, s.startDraft)
		s.route(r, http.MethodGet, ed+"/nuovo-ciclo", auth.EditPlan, planParam, s.rolloverPage)
		s.route(r, http.MethodPost, ed+"/nuovo-ciclo", auth.EditPlan, planParam, s.rolloverPage)
		s.route(r, http.MethodGet, pl+"/esporta.json", auth.EditPlan, enteParam, s.exportJSON)
		s.route(r, http.MethodGet, pl+"/regole", auth.EditPlan, planParam, s.rulesPage)
		s.route(r, http.MethodPost, pl+"/regole", auth.EditPlan, planParam, s.rulesPage)
		s.route(r, http.MethodGet, ed+"/modello.xlsx", auth.EditPlan, planParam, s.planTemplate)
		s.route(r, http.MethodPost, ed+"/importa", auth.EditPlan, planParam, s.importTemplate)
		s.route(r, http.MethodPost, ed+"/leggi-piao", auth.EditPlan, planParam, s.importPublished)
		s.route(r, http.MethodGet, ed+"/leggi-piao/{id}", auth.EditPlan, planParam, s.reviewPage)
		s.route(r, http.MethodPost, ed+"/leggi-piao/{id}", auth.EditPlan, planParam, s.reviewPage)
		s.route(r, http.MethodPost, ed+"/leggi-piao/{id}/bozza", auth.EditPlan, planParam, s.reviewDraft)
		s.route(r, http.MethodPost, ed+"/leggi-piao/{id}/annulla", auth.EditPlan, planParam, s.reviewDiscard)
		s.route(r, http.MethodPost, ed+"/adotta", auth.EditPlan, planParam, s.adoptDraft)
		s.route(r, http.MethodPost, ed+"/scarta", auth.EditPlan, planParam, s.discardDraft)
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			s.route(r, m, ed+"/obiettivi/{code}", auth.EditPlan, planParam, s.editObjective)
			s.route(r, m, ed+"/obiettivi/{code}/indicatori/{n}", auth.EditPlan, planParam, s.editIndicator)
			s.route(r, m, ed+"/ambiti/{n}", auth.EditPlan, planParam, s.editArea)
			s.route(r, m, ed+"/individuali/{role}", auth.EditPlan, planParam, s.editIndividual)
			s.route(r, m, ed+"/organizzazione", auth.EditPlan, planParam, s.editOrganisation)
		}
		s.route(r, http.MethodPost, ed+"/obiettivi/{code}/elimina", auth.EditPlan, planParam, s.deleteObjective)
		s.route(r, http.MethodPost, ed+"/obiettivi/{code}/indicatori/{n}/elimina", auth.EditPlan, planParam, s.deleteIndicator)
		s.route(r, http.MethodPost, ed+"/ambiti/{n}/elimina", auth.EditPlan, planParam, s.deleteArea)
		s.route(r, http.MethodPost, ed+"/individuali/{role}/elimina", auth.EditPlan, planParam, s.deleteIndividual)

		// Reserved area.
		s.route(r, http.MethodGet, "/area-riservata", auth.SignedIn, none, s.accountHome)
		s.route(r, http.MethodPost, "/area-riservata/notifiche", auth.SignedIn, none, s.setNotifyPrefs)
		s.route(r, http.MethodGet, "/amministrazione/enti", auth.ManageEnti, none, s.adminEnti)
		s.route(r, http.MethodPost, "/amministrazione/enti", auth.ManageEnti, none, s.adminEnti)
		s.route(r, http.MethodGet, "/amministrazione/{ente}", auth.ManageUsers, enteParam, s.adminEnte)
		s.route(r, http.MethodPost, "/amministrazione/{ente}/utenti", auth.ManageUsers, enteParam, s.createUser)
		s.route(r, http.MethodPost, "/amministrazione/{ente}/utenti/{username}/stato", auth.ManageUsers, enteParam, s.setUserActive)
		s.route(r, http.MethodPost, "/amministrazione/{ente}/utenti/{username}/sblocca", auth.ManageUsers, enteParam, s.unlockUser)
		s.route(r, http.MethodPost, "/amministrazione/{ente}/piani", auth.EditPlan, enteParam, s.createPlan)
		s.route(r, http.MethodGet, "/amministrazione/{ente}/testi-legali", auth.ManageUsers, enteParam, s.adminLegal)
		s.route(r, http.MethodPost, "/amministrazione/{ente}/testi-legali", auth.ManageUsers, enteParam, s.adminLegal)
		s.route(r, http.MethodGet, "/amministrazione/{ente}/notifiche", auth.ManageUsers, enteParam, s.adminNotifications)
		s.route(r, http.MethodPost, "/amministrazione/{ente}/notifiche/{id}/riprova", auth.ManageUsers, enteParam, s.retryNotification)
	})

	s.handler = r
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// route registers a handler behind the policy: the request reaches h only
// when auth.Decide allows action on the resource that res resolves.
func (s *Server) route(r chi.Router, method, pattern string, action auth.Action, res resolver, h handler) {
	s.actions[method+" "+pattern] = action
	r.Method(method, pattern, s.guard(action, res, s.serve(h), keepsForm(method, pattern)))
}

// Route is a registered route and its action.
type Route struct {
	Method, Pattern string
	Action          auth.Action // "" when registered outside route (a bug the matrix test catches)
}

// Routes lists every route the router serves, with its declared action.
func (s *Server) Routes() []Route {
	var out []Route
	_ = chi.Walk(s.router, func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, Route{Method: method, Pattern: pattern, Action: s.actions[method+" "+pattern]})
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Pattern != out[j].Pattern {
			return out[i].Pattern < out[j].Pattern
		}
		return out[i].Method < out[j].Method
	})
	return out
}
