package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/mail"
	"github.com/piao-performance/piao/internal/mailpit"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/notify"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
)

// TestReturnedEntryMailAndOutboxPage: the Segretario returns an entry with a
// comment through the page; the dirigente receives the e-mail (real SMTP,
// Mailpit); the administrators' outbox page shows it sent, with recipient and
// subject but not the body; a refused one shows "Non recapitata" with its
// error and "Riprova" (audited) sends it.
func TestReturnedEntryMailAndOutboxPage(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	ctx := context.Background()
	st := store.New(pool)
	hash := testHash(t)
	if _, err := st.CreateUser(ctx, store.NewUser{Ente: "cciaa-gran-sasso", Username: "dir.posta", DisplayName: "Ugo Dirigente",
		Email: "dir.posta@example.it", Role: auth.Dirigente, Position: "dir-ef", PasswordHash: hash}, "test"); err != nil {
		t.Fatal(err)
	}
	dir, _, err := st.Credentials(ctx, "dir.posta")
	if err != nil {
		t.Fatal(err)
	}
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Period(ctx, h.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	items, err := st.Worklist(ctx, h, p, dir.PositionID)
	if err != nil || len(items) < 2 {
		t.Fatalf("worklist: %d %v", len(items), err)
	}
	submit := func(key string) model.Entry {
		ind, err := st.EntryIndicator(ctx, h, key, p.Year)
		if err != nil {
			t.Fatal(err)
		}
		e, err := st.SaveEntry(ctx, h, store.EntryInput{Indicator: ind, Period: p, NotApplicable: true, Reason: "Servizio sospeso", Submit: true}, dir)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	key := items[0].Key
	e := submit(key)

	srv := httptest.NewServer(app)
	defer srv.Close()
	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	i := strings.LastIndex(key, "/")
	code, n := key[:i], key[i+1:]
	entry := srv.URL + refPlan + "/misurazioni/" + url.PathEscape(code) + "/" + n + "/stato?periodo=2023-final"
	comment := "Manca il verbale <firmato>"
	if res, _ := postForm(t, sg, entry, url.Values{"azione": {"restituisci"}, "versione": {strconv.Itoa(e.Version)}, "motivo": {comment}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", res.StatusCode)
	}
	mp := mailpit.Start(t)
	sender, err := mail.NewSender(mail.Config{Host: mp.SMTPHost, Port: mp.SMTPPort, Security: mail.SecurityNone, From: "piao@example.it"})
	if err != nil {
		t.Fatal(err)
	}
	w := &mail.Worker{Store: st, Sender: sender, MessageIDHost: "example.it"}
	now := time.Now()
	if res, err := w.RunOnce(ctx, now); err != nil || res.Sent != 1 {
		t.Fatalf("send: %+v %v", res, err)
	}
	got := mp.To(t, "dir.posta@example.it")
	if len(got) != 1 || !strings.Contains(got[0].Text, "«"+comment+"»") || got[0].Subject != "Misurazione restituita: indicatore "+key {
		t.Fatalf("dirigente's mail: %+v", got)
	}

	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	page := srv.URL + "/amministrazione/cciaa-gran-sasso/notifiche"
	res, body := fetch(t, admin, page)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("outbox page: %d", res.StatusCode)
	}
	mustContain(t, body, "Notifiche e-mail", "dir.posta@example.it", "Misurazione restituita: indicatore "+key, "Inviata", notify.KindLabel(notify.KindEntryReturned))
	if strings.Contains(body, "verbale") {
		t.Error("the outbox page shows a message body")
	}

	// a refused message: failed, with its error and "Riprova"
	e2 := submit(items[1].Key)
	ind2, err := st.EntryIndicator(ctx, h, items[1].Key, p.Year)
	if err != nil {
		t.Fatal(err)
	}
	sgUser, _, err := st.Credentials(ctx, "segretario")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Transition(ctx, h, ind2, p, e2.Version, workflow.Approve, "", sgUser); err != nil {
		t.Fatal(err)
	}
	mp.Chaos(t, 550, 100)
	if res, err := w.RunOnce(ctx, now); err != nil || res.Failed != 1 {
		t.Fatalf("refused: %+v %v", res, err)
	}
	mp.Chaos(t, 550, 0)
	_, body = fetch(t, admin, page)
	mustContain(t, body, "Non recapitata", "550", `Riprova<span class="visually-hidden"> la notifica`)
	rows, err := st.Notifications(ctx, h.EnteID, 10)
	if err != nil {
		t.Fatal(err)
	}
	failed := rows[0]
	if failed.Status != model.NotifFailed {
		t.Fatalf("latest notification: %+v", failed)
	}
	retry := page + "/" + strconv.FormatInt(failed.ID, 10) + "/riprova"
	if res, _ := postForm(t, admin, retry, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("riprova: %d", res.StatusCode)
	}
	// a second "Riprova" (stale page) changes nothing
	if res, body := postForm(t, admin, retry, nil); res.StatusCode != http.StatusConflict || !strings.Contains(body, "nulla è cambiato") {
		t.Fatalf("second riprova: %d", res.StatusCode)
	}
	if res, _ := postForm(t, admin, page+"/abc/riprova", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("malformed id: %d", res.StatusCode)
	}
	if res, err := w.RunOnce(ctx, now); err != nil || res.Sent != 1 {
		t.Fatalf("after riprova: %+v %v", res, err)
	}
	if got := mp.To(t, "dir.posta@example.it"); len(got) != 2 {
		t.Fatalf("%d messages after riprova", len(got))
	}
	var audited []model.AuditRow
	if err := st.AuditEvents(ctx, store.AuditFilter{EnteID: &h.EnteID, Action: "notification.retry"}, func(r model.AuditRow) error {
		audited = append(audited, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(audited) != 1 || audited[0].Actor != "admin" || audited[0].ObjectKey != strconv.FormatInt(failed.ID, 10) {
		t.Fatalf("audit of riprova: %+v", audited)
	}
}

// TestOptionalMailsOptOut: a user turns reminders and digests off in the
// reserved area (audited) and on again; a malformed value is refused in
// Italian, nothing changed.
func TestOptionalMailsOptOut(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	ctx := context.Background()
	st := store.New(pool)
	srv := httptest.NewServer(app)
	defer srv.Close()
	c := client(t)
	signIn(t, c, srv.URL, "dirigente", testPassword)
	_, body := fetch(t, c, srv.URL+"/area-riservata")
	mustContain(t, body, `<label class="form-check-label" for="notifiche-facoltative">Ricevi promemoria delle scadenze e riepiloghi giornalieri</label>`,
		`value="1" checked`, "non ha un indirizzo e-mail")
	u, _, err := st.Credentials(ctx, "dirigente")
	if err != nil {
		t.Fatal(err)
	}
	if res, body := postForm(t, c, srv.URL+"/area-riservata/notifiche", url.Values{"facoltative": {"forse"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Scelta non valida") {
		t.Fatalf("malformed: %d", res.StatusCode)
	}
	if on, err := st.NotifyOptional(ctx, u.ID); err != nil || !on {
		t.Fatalf("after a malformed form: %v %v", on, err)
	}
	res, _ := postForm(t, c, srv.URL+"/area-riservata/notifiche", url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/area-riservata?esito=notifiche" {
		t.Fatalf("opt out: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if on, err := st.NotifyOptional(ctx, u.ID); err != nil || on {
		t.Fatalf("after opting out: %v %v", on, err)
	}
	_, body = fetch(t, c, srv.URL+"/area-riservata?esito=notifiche")
	mustContain(t, body, "Preferenze delle notifiche salvate.")
	if strings.Contains(body, `value="1" checked`) {
		t.Error("the box is still ticked")
	}
	if res, _ := postForm(t, c, srv.URL+"/area-riservata/notifiche", url.Values{"facoltative": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("opt in: %d", res.StatusCode)
	}
	var events []model.AuditRow
	if err := st.AuditEvents(ctx, store.AuditFilter{Action: "user.notifications", Actor: "dirigente"}, func(r model.AuditRow) error {
		events = append(events, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("%d audit events", len(events))
	}
}
