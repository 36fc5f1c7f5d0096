package server

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// Throttling of failed sign-ins: per account and per address, over a window.
const (
	throttleWindow     = 15 * time.Minute
	maxFailuresAccount = 5
	maxFailuresAddress = 20
	maxUsernameLength  = 100
)

// The same words for every failure, so nobody learns which accounts exist.
const (
	msgBadCredentials = "Nome utente o password non corretti, oppure account non attivo."
	msgThrottled      = "Troppi tentativi non riusciti: per sicurezza l'accesso è sospeso per 15 minuti. Riprova più tardi."
)

func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// safeNext keeps the return address only when it is a path on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		len(next) > 2000 || !utf8.ValidString(next) || strings.ContainsAny(next, "\r\n") {
		return ""
	}
	return next
}

// signInForm shows the sign-in page; a signed-in user goes to his home page.
func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	if u := auth.FromContext(r.Context()); u != nil {
		http.Redirect(w, r, s.homeFor(r, u), http.StatusSeeOther)
		return
	}
	form := templates.SignInForm{Next: safeNext(r.URL.Query().Get("next")), SSO: s.oidc != nil}
	if r.URL.Query().Get("uscito") == "1" {
		form.Info = "Sei uscito dall'area riservata."
	}
	s.render(w, r, http.StatusOK, templates.SignInPage(form))
}

// signIn checks the credentials, renews the session token and goes on.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "Richiesta non valida", "Il modulo inviato non è leggibile.")
		return
	}
	form := templates.SignInForm{Username: strings.TrimSpace(r.PostForm.Get("username")), Next: safeNext(r.PostForm.Get("next")),
		SSO: s.oidc != nil, Errors: map[string]string{}}
	password := r.PostForm.Get("password")
	switch {
	case form.Username == "":
		form.Errors["username"] = "Inserisci il nome utente."
	case len(form.Username) > maxUsernameLength || !validText(form.Username):
		form.Errors["username"] = "Il nome utente è troppo lungo o contiene caratteri non validi."
	}
	switch {
	case password == "":
		form.Errors["password"] = "Inserisci la password."
	case len(password) > auth.MaxPassword:
		form.Errors["password"] = "La password è troppo lunga."
	}
	if len(form.Errors) > 0 {
		form.Username = truncateRunes(form.Username, maxUsernameLength)
		s.render(w, r, http.StatusUnprocessableEntity, templates.SignInPage(form))
		return
	}
	ctx := r.Context()
	username := strings.ToLower(form.Username)
	addr := clientAddress(r)
	byUser, byAddr, err := s.store.RecentFailures(ctx, username, addr, time.Now().Add(-throttleWindow))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if byUser >= maxFailuresAccount || byAddr >= maxFailuresAddress {
		if err := s.store.RecordSignInFailure(ctx, username, addr, "throttled"); err != nil {
			s.serverError(w, r, err)
			return
		}
		form.Message = msgThrottled
		s.render(w, r, http.StatusTooManyRequests, templates.SignInPage(form))
		return
	}
	u, hash, err := s.store.Credentials(ctx, username)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	// CheckPassword runs even for unknown accounts (against a dummy hash): same time, same answer.
	if !auth.CheckPassword(password, hash) || err != nil {
		if err := s.store.RecordSignInFailure(ctx, username, addr, "bad credentials"); err != nil {
			s.serverError(w, r, err)
			return
		}
		form.Message = msgBadCredentials
		s.render(w, r, http.StatusUnauthorized, templates.SignInPage(form))
		return
	}
	if err := s.startSession(r, u, "password"); err != nil {
		s.serverError(w, r, err)
		return
	}
	next := form.Next
	if next == "" {
		next = s.homeFor(r, &u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// startSession renews the token (no session fixation) and binds it to u.
func (s *Server) startSession(r *http.Request, u auth.User, method string) error {
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessUserID, u.ID)
	s.sessions.Put(r.Context(), sessEpoch, u.Epoch)
	s.sessions.Put(r.Context(), sessSeen, time.Now().Unix())
	return s.store.RecordSignIn(r.Context(), u, clientAddress(r), method)
}

func truncateRunes(s string, n int) string {
	if !utf8.ValidString(s) {
		return ""
	}
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// signOut ends this session.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) { s.finishSignOut(w, r, false) }

// signOutEverywhere ends every session of the account.
func (s *Server) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	s.finishSignOut(w, r, true)
}

func (s *Server) finishSignOut(w http.ResponseWriter, r *http.Request, everywhere bool) {
	u := auth.FromContext(r.Context())
	if err := s.store.RecordSignOut(r.Context(), *u, everywhere); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.endSession(r); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/accedi?uscito=1", http.StatusSeeOther)
}

// homeFor is where a user lands after signing in: the page of his work.
func (s *Server) homeFor(r *http.Request, u *auth.User) string {
	if u.EnteID == 0 {
		return "/area-riservata"
	}
	ente, planSlug, err := s.store.LatestPlan(r.Context(), u.EnteID)
	if err != nil {
		return "/area-riservata"
	}
	switch u.Role {
	case auth.Admin:
		return string(templates.AdminEnteURL(ente))
	case auth.Dirigente, auth.Referente:
		return string(templates.WorklistURL(ente, planSlug))
	case auth.Segretario:
		return string(templates.DashboardURL(ente, planSlug))
	case auth.OIV:
		return string(templates.OIVURL(ente, planSlug))
	}
	return string(templates.PlanURL(ente, planSlug))
}

// accountHome is the reserved area: who you are, where to go, how to leave.
func (s *Server) accountHome(w http.ResponseWriter, r *http.Request) {
	u := auth.FromContext(r.Context())
	var links []templates.Link
	if u.Global() {
		links = append(links, templates.Link{Label: "Enti: crea un'amministrazione e i suoi utenti", URL: "/amministrazione/enti"})
	} else if u.Role == auth.Admin {
		links = append(links, templates.Link{Label: "Amministrazione dell'ente: piani e utenti", URL: templates.AdminEnteURL(u.EnteSlug)})
	}
	if ente, planSlug, err := s.store.LatestPlan(r.Context(), u.EnteID); err == nil {
		base := templates.PlanURL(ente, planSlug)
		links = append(links, templates.Link{Label: "Cruscotto", URL: templates.DashboardURL(ente, planSlug)},
			templates.Link{Label: "Il piano e i punteggi", URL: base},
			templates.Link{Label: "Misurazioni del periodo", URL: templates.WorklistURL(ente, planSlug)},
			templates.Link{Label: "Periodi di monitoraggio", URL: base + "/periodi"})
		if u.Role == auth.Segretario {
			links = append(links, templates.Link{Label: "Approvazioni e ritardi", URL: base + "/ritardi"})
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
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.AccountPage(*u, s.homeFor(r, u), links))
}
