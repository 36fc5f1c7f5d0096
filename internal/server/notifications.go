package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// notificationsLimit is how many of the latest notifications the
// administrators' page lists.
const notificationsLimit = 500

// adminNotifications lists the ente's e-mail outbox (status, attempts, last
// error, recipient, subject; never the bodies).
func (s *Server) adminNotifications(w http.ResponseWriter, r *http.Request) error {
	msg := map[string]string{"riprova": "Notifica rimessa in coda: sarà inviata al prossimo giro del servizio di invio."}[r.URL.Query().Get("esito")]
	return s.renderNotifications(w, r, http.StatusOK, templates.NotificationsData{Message: msg})
}

func (s *Server) renderNotifications(w http.ResponseWriter, r *http.Request, status int, d templates.NotificationsData) error {
	e, err := s.store.Ente(r.Context(), param(r, "ente"))
	if err != nil {
		return err
	}
	id, err := s.store.EnteID(r.Context(), e.Slug)
	if err != nil {
		return err
	}
	rows, err := s.store.Notifications(r.Context(), id, notificationsLimit)
	if err != nil {
		return err
	}
	d.Ente, d.Rows, d.SMTPOff, d.Limit, d.Complete = e, rows, !s.mailEnabled, notificationsLimit, len(rows) < notificationsLimit
	return s.page(w, r, status, templates.NotificationsPage(d))
}

// retryNotification puts a failed or incerto notification back in the
// queue (audited); another ente's or an unknown one answers 404.
func (s *Server) retryNotification(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r, maxSmallForm); err != nil {
		return err
	}
	n, err := strconv.ParseInt(param(r, "id"), 10, 64)
	if err != nil || n <= 0 {
		return errNotFound
	}
	ente := param(r, "ente")
	enteID, err := s.store.EnteID(r.Context(), ente)
	if err != nil {
		return err
	}
	err = s.store.RetryNotification(r.Context(), enteID, n, actor(r))
	if errors.Is(err, store.ErrNotificationState) {
		return s.renderNotifications(w, r, http.StatusConflict, templates.NotificationsData{Error: "La notifica " + strconv.FormatInt(n, 10) +
			" non è né non recapitata né con esito incerto (forse è già stata rimessa in coda): nulla è cambiato."})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, string(templates.NotificationsURL(ente))+"?esito=riprova", http.StatusSeeOther)
	return nil
}

// notifyPrefs is the reserved area's e-mail form as stored.
func (s *Server) notifyPrefs(r *http.Request, u *auth.User) (templates.NotifyPrefs, error) {
	on, err := s.store.NotifyOptional(r.Context(), u.ID)
	if err != nil {
		return templates.NotifyPrefs{}, err
	}
	p := templates.NotifyPrefs{Email: u.Email, Optional: on}
	if r.URL.Query().Get("esito") == "notifiche" {
		p.Message = "Preferenze delle notifiche salvate."
	}
	return p, nil
}

// setNotifyPrefs turns the signed-in user's optional e-mails (reminders,
// digest) on or off; audited.
func (s *Server) setNotifyPrefs(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r, maxSmallForm); err != nil {
		return err
	}
	u := auth.FromContext(r.Context())
	// a ticked box sends "1"; an unticked one sends nothing
	v := r.PostForm["facoltative"]
	on := len(v) == 1 && v[0] == "1"
	if len(v) > 1 || (len(v) == 1 && v[0] != "1" && v[0] != "") {
		prefs, err := s.notifyPrefs(r, u)
		if err != nil {
			return err
		}
		prefs.Error = "Scelta non valida: spunta la casella per ricevere promemoria e riepiloghi, oppure lasciala vuota."
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, prefs)
	}
	if err := s.store.SetNotifyOptional(r.Context(), *u, on); err != nil {
		return err
	}
	http.Redirect(w, r, string(templates.AccountURL())+"?esito=notifiche", http.StatusSeeOther)
	return nil
}
