package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/password"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// adminEnte is an ente's administration: plans and accounts.
func (s *Server) adminEnte(w http.ResponseWriter, r *http.Request) error {
	msg := map[string]string{"stato": "Stato dell'utente aggiornato: le sue sessioni aperte sono terminate.",
		"sblocco": "Accesso sbloccato: i tentativi falliti dell'utente sono azzerati."}[r.URL.Query().Get("esito")]
	return s.renderAdminEnte(w, r, http.StatusOK, templates.AdminEnteData{Message: msg})
}

func (s *Server) renderAdminEnte(w http.ResponseWriter, r *http.Request, status int, d templates.AdminEnteData) error {
	e, err := s.store.Ente(r.Context(), param(r, "ente"))
	if err != nil {
		return err
	}
	users, err := s.store.ListUsers(r.Context(), e.Slug)
	if err != nil {
		return err
	}
	d.Ente, d.Users = e, users
	return s.page(w, r, status, templates.AdminEntePage(d))
}

// createUser adds an account of the ente with a generated first password,
// shown once on the page (never in a URL or a log).
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r, maxSmallForm); err != nil {
		return err
	}
	p := r.PostForm
	f := templates.UserForm{Username: strings.TrimSpace(p.Get("username")), Name: p.Get("nome"), Email: p.Get("email"),
		Role: p.Get("profilo"), Position: p.Get("posizione"), Errors: map[string]string{}}
	if err := auth.ValidUsername(f.Username); err != nil {
		f.Errors["username"] = "Il nome utente ha da 2 a 63 caratteri: lettere minuscole, cifre, punto, trattino, trattino basso."
	}
	name := limited(f.Errors, "nome", f.Name, 200, true)
	email := limited(f.Errors, "email", f.Email, 200, false)
	if email != "" && (!strings.Contains(email, "@") || strings.ContainsAny(email, " <>")) {
		f.Errors["email"] = "Indirizzo e-mail non valido."
	}
	role := auth.Role(f.Role)
	if !role.Valid() {
		f.Errors["profilo"] = "Scegli il profilo."
	}
	needsPosition := role == auth.Dirigente || role == auth.Referente
	switch {
	case needsPosition && f.Position == "":
		f.Errors["posizione"] = "Dirigenti e referenti sono collegati a una posizione dirigenziale."
	case !needsPosition && f.Position != "":
		f.Errors["posizione"] = "Solo dirigenti e referenti hanno una posizione dirigenziale."
	}
	if len(f.Errors) > 0 {
		return s.renderAdminEnte(w, r, http.StatusUnprocessableEntity, templates.AdminEnteData{User: f})
	}
	first, err := password.Generate()
	if err != nil {
		return err
	}
	hash, err := password.Hash(first)
	if err != nil {
		return err
	}
	_, err = s.store.CreateUser(r.Context(), store.NewUser{Ente: param(r, "ente"), Username: f.Username, DisplayName: name, Email: email,
		Role: role, Position: f.Position, PasswordHash: hash}, actor(r))
	switch {
	case errors.Is(err, store.ErrUserExists):
		f.Errors["username"] = "Esiste già un utente con questo nome."
	case errors.Is(err, store.ErrEmailTaken):
		// one address, one person: another account (of any ente) with it could capture the person's SSO sign-in
		f.Errors["email"] = "Questo indirizzo e-mail è già usato da un altro account, anche di un altro ente: usane un altro o rivolgiti all'amministratore."
	case errors.Is(err, store.ErrUnknownPosition):
		f.Errors["posizione"] = "Posizione dirigenziale sconosciuta per questo ente."
	case errors.Is(err, store.ErrPositionMismatch):
		f.Errors["posizione"] = "Solo dirigenti e referenti hanno una posizione dirigenziale, e ne hanno una."
	case err != nil:
		return err
	}
	if len(f.Errors) > 0 {
		return s.renderAdminEnte(w, r, http.StatusUnprocessableEntity, templates.AdminEnteData{User: f})
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderAdminEnte(w, r, http.StatusCreated, templates.AdminEnteData{Message: "Utente " + f.Username + " creato.", NewUser: f.Username, NewPassword: first})
}

// setUserActive disables or enables an account of the ente. Enabling is
// immediate; disabling first shows what it changes (sessions ended,
// responsibilities and entries left waiting, last of a role) and is done
// only from that page, with its box ticked. The ente's last active
// administrator cannot be disabled.
func (s *Server) setUserActive(w http.ResponseWriter, r *http.Request) error {
	ente, username, err := s.enteAccountForm(w, r)
	if err != nil {
		return err
	}
	if username == actor(r) {
		return s.renderAdminEnte(w, r, http.StatusConflict, templates.AdminEnteData{Message: "Non puoi disattivare il tuo stesso account."})
	}
	version, err := strconv.Atoi(r.PostForm.Get("versione"))
	if err != nil {
		version = -1 // no account has it: a form without a version is stale
	}
	active := r.PostForm.Get("attivo") == "1"
	if !active {
		u, err := s.store.UserDisableImpact(r.Context(), ente, username)
		if err != nil {
			return err
		}
		switch {
		case u.Active && u.Role == auth.Admin && u.LastOfRole():
			return s.renderDisableUser(w, r, ente, u, http.StatusConflict, templates.DisableUserData{Refusal: lastAdminMessage(username)})
		case version != u.Version:
			return s.userChanged(w, r, username)
		case r.PostForm.Get("conferma") != "1":
			msg, status := "", http.StatusOK
			if r.PostForm.Get("passo") == "conferma" {
				msg, status = "Per disattivare l'utente spunta la conferma.", http.StatusUnprocessableEntity
			}
			return s.renderDisableUser(w, r, ente, u, status, templates.DisableUserData{Message: msg})
		}
	}
	err = s.store.SetActiveFrom(r.Context(), username, active, version, actor(r))
	if errors.Is(err, store.ErrUserChanged) {
		return s.userChanged(w, r, username)
	}
	if errors.Is(err, store.ErrLastAdmin) { // another administrator was disabled meanwhile
		return s.renderAdminEnte(w, r, http.StatusConflict, templates.AdminEnteData{Message: lastAdminMessage(username)})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, string(templates.AdminEnteURL(ente))+"?esito=stato", http.StatusSeeOther)
	return nil
}

// userChanged answers an account form built before the account last changed.
func (s *Server) userChanged(w http.ResponseWriter, r *http.Request, username string) error {
	return s.renderAdminEnte(w, r, http.StatusConflict, templates.AdminEnteData{Message: "L'utente " + username +
		" è cambiato nel frattempo (attivato, disattivato o con una nuova password) da quando hai aperto la pagina: nulla è stato modificato. Controlla il suo stato qui sotto e ripeti se serve."})
}

// lastAdminMessage refuses disabling the ente's last active administrator.
func lastAdminMessage(username string) string {
	return "Non è possibile disattivare " + username + ": è l'ultimo amministratore attivo dell'ente e nessuno potrebbe più gestirne utenti e piani. " +
		"Crea o riattiva prima un altro amministratore. Nulla è stato modificato."
}

// enteAccountForm reads an administrator's form about an account of the
// ente named in the URL; another ente's account answers 404, as if absent.
func (s *Server) enteAccountForm(w http.ResponseWriter, r *http.Request) (ente, username string, err error) {
	if err := readForm(w, r, maxSmallForm); err != nil {
		return "", "", err
	}
	ente, username = param(r, "ente"), param(r, "username")
	users, err := s.store.ListUsers(r.Context(), ente)
	if err != nil {
		return "", "", err
	}
	for _, u := range users {
		if u.Username == username {
			return ente, username, nil
		}
	}
	return "", "", errNotFound
}

// unlockUser lifts the sign-in locks of an account of the ente.
func (s *Server) unlockUser(w http.ResponseWriter, r *http.Request) error {
	ente, username, err := s.enteAccountForm(w, r)
	if err != nil {
		return err
	}
	if err := s.store.UnlockSignIn(r.Context(), username, actor(r)); err != nil {
		return err
	}
	http.Redirect(w, r, string(templates.AdminEnteURL(ente))+"?esito=sblocco", http.StatusSeeOther)
	return nil
}

// createPlan starts an empty plan of the ente, to build in the editor. It
// carries no version: it only creates, and a form posted again (stale) finds
// the slug taken and is refused, so it can never replace a plan.
func (s *Server) createPlan(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r, maxSmallForm); err != nil {
		return err
	}
	e, err := s.store.Ente(r.Context(), param(r, "ente"))
	if err != nil {
		return err
	}
	p := r.PostForm
	f := templates.PlanForm{Slug: strings.TrimSpace(p.Get("slug")), Title: p.Get("titolo"), Start: strings.TrimSpace(p.Get("inizio")),
		End: strings.TrimSpace(p.Get("fine")), Errors: map[string]string{}}
	var info plan.Info
	info.Slug, info.Title, info.StartYear, info.EndYear = planIdentity(f.Errors, f.Slug, f.Title, f.Start, f.End, 2000, 2100, "Scrivi l'anno, es. 2025.")
	if len(f.Errors) == 0 {
		err = s.store.CreateEmptyPlan(r.Context(), e.Ente, info, actor(r))
		switch {
		case errors.Is(err, store.ErrPlanExists):
			f.Errors["slug"] = "L'ente ha già un piano con questo identificativo."
		case err != nil:
			return err
		default:
			http.Redirect(w, r, string(templates.EditorURL(e.Slug, f.Slug)), http.StatusSeeOther)
			return nil
		}
	}
	return s.renderAdminEnte(w, r, http.StatusUnprocessableEntity, templates.AdminEnteData{Plan: f})
}

// adminEnti lists the administrations and creates one.
func (s *Server) adminEnti(w http.ResponseWriter, r *http.Request) error {
	d := templates.AdminEntiData{Errors: map[string]string{}}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		if err := readForm(w, r, maxSmallForm); err != nil {
			return err
		}
		p := r.PostForm
		d.Slug, d.Name, d.Short = strings.TrimSpace(p.Get("slug")), p.Get("nome"), p.Get("breve")
		e := plan.Ente{Slug: d.Slug, Name: limited(d.Errors, "nome", d.Name, 200, true), ShortName: limited(d.Errors, "breve", d.Short, 100, false)}
		if !slugRe.MatchString(d.Slug) || len(d.Slug) > 60 {
			d.Errors["slug"] = "Solo lettere minuscole, cifre e trattini (es. cciaa-chieti-pescara)."
		}
		if len(d.Errors) == 0 {
			err := s.store.CreateEnte(r.Context(), e, actor(r))
			switch {
			case errors.Is(err, store.ErrEnteExists):
				d.Errors["slug"] = "Esiste già un ente con questo identificativo."
			case err != nil:
				return err
			default:
				http.Redirect(w, r, string(templates.AdminEnteURL(d.Slug)), http.StatusSeeOther)
				return nil
			}
		}
		status = http.StatusUnprocessableEntity
	}
	enti, err := s.store.ListEnti(r.Context())
	if err != nil {
		return err
	}
	d.Enti = enti
	return s.page(w, r, status, templates.AdminEntiPage(d))
}
