package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/password"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// Sign-in input limits.
const maxUsernameLength = 100

// hashWait is how long a sign-in waits for a free hashing slot before the
// server answers 503: beyond the bound, refusing is cheaper than queueing.
const hashWait = time.Second

// hashMemoryBudget is the memory the password hashes of concurrent sign-ins
// may use together by default: four 64 MiB argon2id hashes.
const hashMemoryBudget = 256 << 20

// DefaultConcurrentHashes is the default bound of concurrent password hashes:
// the memory budget divided by one hash's memory, no more than the CPUs
// (argon2id is CPU-bound: more would only wait), never less than one.
func DefaultConcurrentHashes() int {
	return max(1, min(hashMemoryBudget/password.HashMemory, runtime.NumCPU()))
}

// The same words for every failure, so nobody learns which accounts exist.
const (
	msgBadCredentials = "Nome utente o password non corretti, oppure account non attivo."
	msgBusy           = "Troppe richieste di accesso in questo momento: riprova tra qualche secondo."
)

func msgThrottled(wait time.Duration) string {
	minutes := int((wait + time.Minute - 1) / time.Minute)
	return fmt.Sprintf("Troppi tentativi non riusciti: per sicurezza l'accesso è sospeso. Riprova tra %d minut%s, "+
		"oppure chiedi all'amministratore di sbloccare l'account.", max(minutes, 1), map[bool]string{true: "o", false: "i"}[minutes <= 1])
}

// safeNext keeps the return address only when it is a path on this site:
// no scheme, host or userinfo, no "//" or backslash that a browser would read
// as another host, no control character (raw or percent-encoded), valid
// UTF-8. It returns the path and query, or "".
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || !utf8.ValidString(next) || next[0] != '/' {
		return ""
	}
	if strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\") || hasControl(next) {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	// the decoded path is what the browser may normalise: check it too
	if !utf8.ValidString(u.Path) || hasControl(u.Path) || strings.Contains(u.Path, "\\") || strings.HasPrefix(u.Path, "//") ||
		!strings.HasPrefix(u.Path, "/") {
		return ""
	}
	if q, err := url.QueryUnescape(u.RawQuery); err != nil || hasControl(q) {
		return ""
	}
	out := u.EscapedPath()
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Cf, r) })
}

// signInForm shows the sign-in page; a signed-in user goes to his home page.
func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) error {
	if u := auth.FromContext(r.Context()); u != nil {
		http.Redirect(w, r, s.homeFor(r, u), http.StatusSeeOther)
		return nil
	}
	form := templates.SignInForm{Next: safeNext(r.URL.Query().Get("next")), SSO: s.oidc != nil}
	if r.URL.Query().Get("uscito") == "1" {
		form.Info = "Sei uscito dall'area riservata."
	}
	if strings.Contains(form.Next, restoreParam+"=") {
		form.Info = "La sessione è scaduta. Accedi di nuovo: i valori che avevi inserito nel modulo saranno ripristinati."
	}
	return s.page(w, r, http.StatusOK, templates.SignInPage(form))
}

// signIn checks the credentials, renews the session token and goes on.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r, maxSmallForm); err != nil {
		return err
	}
	form := templates.SignInForm{Username: strings.TrimSpace(r.PostForm.Get("username")), Next: safeNext(r.PostForm.Get("next")),
		SSO: s.oidc != nil, Errors: map[string]string{}}
	password := r.PostForm.Get("password")
	switch {
	case form.Username == "":
		form.Errors["username"] = "Inserisci il nome utente."
	case len(form.Username) > maxUsernameLength || !itfmt.ValidText(form.Username):
		form.Errors["username"] = "Il nome utente è troppo lungo o contiene caratteri non validi."
	}
	switch {
	case password == "":
		form.Errors["password"] = "Inserisci la password."
	case len(password) > auth.MaxPassword:
		form.Errors["password"] = "La password è troppo lunga."
	}
	if len(form.Errors) > 0 {
		form.Username = itfmt.Truncate(form.Username, maxUsernameLength)
		return s.page(w, r, http.StatusUnprocessableEntity, templates.SignInPage(form))
	}
	ctx := r.Context()
	username := strings.ToLower(form.Username)
	addr := s.clientAddress(r)
	// A bounded number of 64 MiB hashes at once; beyond it, 503 at once
	// rather than a queue that would hold memory and connections.
	if !s.acquireHashSlot(ctx) {
		w.Header().Set("Retry-After", "5")
		form.Message = msgBusy
		return s.page(w, r, http.StatusServiceUnavailable, templates.SignInPage(form))
	}
	defer func() { <-s.hashSlots }()
	// The attempt is reserved (counted) before hashing, in one statement.
	res, err := s.store.ReserveSignIn(ctx, username, addr, s.throttle)
	if err != nil {
		return err
	}
	if !res.Allowed {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(res.RetryAfter.Seconds()))))
		form.Message = msgThrottled(res.RetryAfter)
		return s.page(w, r, http.StatusTooManyRequests, templates.SignInPage(form))
	}
	u, hash, err := s.store.Credentials(ctx, username)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// the password check runs even for unknown accounts (against a dummy hash): same time, same answer
	if !s.checkPassword(password, hash) || err != nil {
		if res.AddressLocked {
			s.log.WarnContext(ctx, "sign-in address locked", "address", addr, "request_id", reqID(r))
		}
		if res.AccountLocked && err == nil { // only real accounts' lockouts reach the audit trail
			if err := s.store.RecordLockout(ctx, u, addr, res.RetryAfter); err != nil {
				return err
			}
		}
		form.Message = msgBadCredentials
		return s.page(w, r, http.StatusUnauthorized, templates.SignInPage(form))
	}
	if err := s.store.ReleaseSignIn(ctx, username, addr); err != nil {
		return err
	}
	if err := s.startSession(r, u, "password"); err != nil {
		return err
	}
	next := form.Next
	if next == "" {
		next = s.homeFor(r, &u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// startSession renews the token (no session fixation) and binds it to u.
func (s *Server) startSession(r *http.Request, u auth.User, method string) error {
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessUserID, u.ID)
	s.sessions.Put(r.Context(), sessEpoch, u.Epoch)
	s.sessions.Put(r.Context(), sessSeen, time.Now().Unix())
	return s.store.RecordSignIn(r.Context(), u, s.clientAddress(r), method)
}

// acquireHashSlot waits at most hashWait for a free hashing slot.
func (s *Server) acquireHashSlot(ctx context.Context) bool {
	select {
	case s.hashSlots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case s.hashSlots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

// signOut ends this session.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	return s.finishSignOut(w, r, false)
}

// signOutEverywhere ends every session of the account.
func (s *Server) signOutEverywhere(w http.ResponseWriter, r *http.Request) error {
	return s.finishSignOut(w, r, true)
}

func (s *Server) finishSignOut(w http.ResponseWriter, r *http.Request, everywhere bool) error {
	u := auth.FromContext(r.Context())
	if err := s.store.RecordSignOut(r.Context(), *u, everywhere); err != nil {
		return err
	}
	if err := s.endSession(r); err != nil {
		return err
	}
	http.Redirect(w, r, string(templates.SignInURL())+"?uscito=1", http.StatusSeeOther)
	return nil
}

// homeFor is where a user lands after signing in: the page of his work.
func (s *Server) homeFor(r *http.Request, u *auth.User) string {
	if u.EnteID == 0 {
		return string(templates.AccountURL())
	}
	ente, planSlug, err := s.store.LatestPlan(r.Context(), u.EnteID)
	if err != nil {
		return string(templates.AccountURL())
	}
	switch u.Role {
	case auth.Admin:
		return string(templates.AdminEnteURL(ente))
	case auth.Dirigente, auth.Referente:
		return string(templates.WorklistURL(ente, planSlug))
	case auth.Segretario:
		return s.cockpitURL(r, u, ente, planSlug)
	case auth.OIV:
		return string(templates.OIVURL(ente, planSlug))
	}
	return string(templates.PlanURL(ente, planSlug))
}

// cockpitURL is the cockpit of the plan's current period (store.CurrentPeriod),
// or the plain cockpit when the periods cannot be read.
func (s *Server) cockpitURL(r *http.Request, u *auth.User, ente, planSlug string) string {
	base := string(templates.DashboardURL(ente, planSlug))
	h, err := s.store.PlanHeader(r.Context(), ente, planSlug)
	if err != nil || h.EnteID != u.EnteID {
		return base
	}
	periods, err := s.store.Periods(r.Context(), h.ID)
	if err != nil {
		s.log.WarnContext(r.Context(), "cockpit periods", "error", err, "request_id", reqID(r))
		return base
	}
	if p, ok := store.CurrentPeriod(periods, romeToday()); ok {
		return base + "?periodo=" + scorecard.Ref(p)
	}
	return base
}

// accountHome is the reserved area: who you are, where to go, how to leave.
func (s *Server) accountHome(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, templates.NotifyPrefs{})
}

// renderAccount renders the reserved area; prefs with an Error is the
// e-mail form as submitted, otherwise the stored preferences are shown.
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, prefs templates.NotifyPrefs) error {
	u := auth.FromContext(r.Context())
	var links []templates.Link
	if u.Global() {
		links = append(links, templates.Link{Label: "Enti: crea un'amministrazione e i suoi utenti", URL: templates.AdminEntiURL()})
	} else if u.Role == auth.Admin {
		links = append(links, templates.Link{Label: "Amministrazione dell'ente: piani e utenti", URL: templates.AdminEnteURL(u.EnteSlug)})
	}
	if ente, planSlug, err := s.store.LatestPlan(r.Context(), u.EnteID); err == nil {
		links = append(links, templates.Link{Label: "Cruscotto", URL: templates.DashboardURL(ente, planSlug)},
			templates.Link{Label: "Il piano e i punteggi", URL: templates.PlanURL(ente, planSlug)},
			templates.Link{Label: "Misurazioni del periodo", URL: templates.WorklistURL(ente, planSlug)},
			templates.Link{Label: "Periodi di monitoraggio", URL: templates.PeriodsURL(ente, planSlug)})
		if u.Role == auth.Segretario {
			links = append(links, templates.Link{Label: "Approvazioni e ritardi", URL: templates.LateURL(ente, planSlug)})
		}
		if s.can(r, auth.EditPlan, auth.Resource{EnteID: u.EnteID}) {
			links = append(links, templates.Link{Label: "Modifica del piano (revisioni, foglio di calcolo)", URL: templates.EditorURL(ente, planSlug)})
		}
		if s.can(r, auth.Audit, auth.Resource{EnteID: u.EnteID}) {
			links = append(links, templates.Link{Label: "OIV: relazione, validazione, registro di audit", URL: templates.OIVURL(ente, planSlug)},
				templates.Link{Label: "Revisioni del piano", URL: templates.RevisionsURL(ente, planSlug)})
		}
		if u.PositionKey != "" {
			links = append(links, templates.Link{Label: "I tuoi obiettivi individuali", URL: templates.RoleURL(ente, planSlug, u.PositionKey)})
		}
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if prefs.Error == "" {
		p, err := s.notifyPrefs(r, u)
		if err != nil {
			return err
		}
		prefs = p
	}
	return s.page(w, r, status, templates.AccountPage(*u, s.homeFor(r, u), links, prefs))
}
