package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/notify"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
	"github.com/piao-performance/piao/internal/workflow"
)

func addMailUser(t *testing.T, st *store.Store, username, email string, role auth.Role, position string) auth.User {
	t.Helper()
	ctx := context.Background()
	if _, err := st.CreateUser(ctx, store.NewUser{Ente: "cciaa-gran-sasso", Username: username, DisplayName: "Utente " + username,
		Email: email, Role: role, Position: position}, "test"); err != nil {
		t.Fatal(err)
	}
	u, _, err := st.Credentials(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func kinds(t *testing.T, f fixture) map[string][]string {
	t.Helper()
	rows, err := f.st.Notifications(context.Background(), f.h.EnteID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.Kind] = append(out[r.Kind], r.RecipientEmail)
	}
	return out
}

// Closing a year's final period enqueues, in its transaction, the message to
// each OIV with an address; the in-year period does not; closing again after
// a reopening tells the OIV again.
func TestClosingTheFinalPeriodNotifiesTheOIV(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	addMailUser(t, f.st, "oiv.uno", "oiv1@example.it", auth.OIV, "")
	addMailUser(t, f.st, "oiv.senza", "", auth.OIV, "")
	sgU := addMailUser(t, f.st, "sg.posta", "sg@example.it", auth.Segretario, "")
	mid, err := f.st.Period(ctx, f.h.ID, 2023, "midyear")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetPeriodClosed(ctx, f.h, mid, true, "", sgU); err != nil {
		t.Fatal(err)
	}
	if k := kinds(t, f); len(k) != 0 {
		t.Fatalf("closing the in-year period: %v", k)
	}
	if err := f.st.SetPeriodClosed(ctx, f.h, f.period, true, "", sgU); err != nil {
		t.Fatal(err)
	}
	if got := kinds(t, f)[notify.KindRelazioneReady]; len(got) != 1 || got[0] != "oiv1@example.it" {
		t.Fatalf("after closing the final period: %v", got)
	}
	p, err := f.st.Period(ctx, f.h.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetPeriodClosed(ctx, f.h, p, false, "correzione di un valore", sgU); err != nil {
		t.Fatal(err)
	}
	p, err = f.st.Period(ctx, f.h.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetPeriodClosed(ctx, f.h, p, true, "", sgU); err != nil {
		t.Fatal(err)
	}
	if got := kinds(t, f)[notify.KindRelazioneReady]; len(got) != 2 {
		t.Fatalf("after closing again: %v", got)
	}
}

// Scheduled notifications are idempotent per day and honour the opt-out;
// mandatory ones ignore it.
func TestScheduledNotificationsAreIdempotentAndOptional(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	dir := addMailUser(t, f.st, "dir.posta", "dir@example.it", auth.Dirigente, "dir-prm")
	ref := addMailUser(t, f.st, "ref.posta", "ref@example.it", auth.Referente, "dir-prm")
	if err := f.st.SetNotifyOptional(ctx, ref, false); err != nil {
		t.Fatal(err)
	}
	if on, err := f.st.NotifyOptional(ctx, ref.ID); err != nil || on {
		t.Fatalf("opt-out: %v %v", on, err)
	}
	now := time.Date(2024, 1, 29, 10, 0, 0, 0, time.UTC) // 2 days before the 2023 final deadline (31/01/2024)
	n, err := f.st.EnqueueScheduled(ctx, now, 7)
	if err != nil || n != 1 {
		t.Fatalf("first tick: %d %v", n, err)
	}
	if n, err := f.st.EnqueueScheduled(ctx, now.Add(3*time.Hour), 7); err != nil || n != 0 {
		t.Fatalf("second tick: %d %v", n, err)
	}
	got := kinds(t, f)
	if len(got[notify.KindDeadlineSoon]) != 1 || got[notify.KindDeadlineSoon][0] != "dir@example.it" {
		t.Fatalf("reminders: %v", got)
	}
	// a returned entry is mandatory: the referente who opted out gets it
	e, err := f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: f.period, Value: val(10), Submit: true}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.Transition(ctx, f.h, f.ind, f.period, e.Version, workflow.Return, "Rivedere il dato", sg); err != nil {
		t.Fatal(err)
	}
	ret := kinds(t, f)[notify.KindEntryReturned]
	if len(ret) != 2 || !strings.Contains(strings.Join(ret, ","), "ref@example.it") {
		t.Fatalf("returned: %v", ret)
	}
}

// Sending the text of the Relazione to the OIV enqueues, in its transaction,
// one mandatory message to each OIV with an address, naming the sender and
// linking the text; sent again after a "non validata", it is a new message.
func TestSendingTheRelazioneTextNotifiesTheOIV(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	f := fixture{st: ref.Store, h: ref.Plan}
	ctx := context.Background()
	addMailUser(t, f.st, "oiv.uno", "oiv1@example.it", auth.OIV, "")
	addMailUser(t, f.st, "oiv.senza", "", auth.OIV, "")
	sgU := addMailUser(t, f.st, "sg.posta", "sg@example.it", auth.Segretario, "")
	secs := []model.DraftSection{{Key: "sintesi", Generated: []model.DraftParagraph{{Sentences: []model.DraftSentence{{Text: "Testo."}}}}}}
	if err := f.st.CreateRelazioneDraft(ctx, f.h, 2023, secs, "sg.posta"); err != nil {
		t.Fatal(err)
	}
	if k := kinds(t, f); len(k) != 0 {
		t.Fatalf("a bozza not sent: %v", k)
	}
	if err := f.st.SendDraftToOIV(ctx, f.h, 2023, 1, sgU); err != nil {
		t.Fatal(err)
	}
	if got := kinds(t, f)[notify.KindRelazioneDraft]; len(got) != 1 || got[0] != "oiv1@example.it" {
		t.Fatalf("after sending: %v", kinds(t, f))
	}
	msgs, err := f.st.ClaimNotifications(ctx, time.Now(), time.Minute, 10)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("claim: %d %v", len(msgs), err)
	}
	m := msgs[0]
	if m.Subject != "Testo della Relazione 2023 inviato all'OIV" || !strings.Contains(m.BodyText, "Utente sg.posta ha inviato all'OIV") ||
		!strings.Contains(m.BodyText, "/enti/cciaa-gran-sasso/piani/piao-2023-2025/relazione/2023/bozza") ||
		!strings.Contains(m.BodyHTML, "Testo della Relazione 2023") {
		t.Fatalf("message: %q\n%s", m.Subject, m.BodyText)
	}
	v := model.Validation{Year: 2023, Outcome: model.NotValidated, DecidedOn: romeToday(), DocumentName: "verbale.pdf",
		DocumentType: "application/pdf", Document: []byte("%PDF-1.4 x"), Notes: "dati incompleti"}
	if err := f.st.SetValidation(ctx, f.h, v, "", "oiv.uno"); err != nil {
		t.Fatal(err)
	}
	d, err := f.st.RelazioneDraft(ctx, f.h.ID, 2023)
	if err != nil || d.Status != model.DraftBozza {
		t.Fatalf("after non validata: %+v %v", d, err)
	}
	if err := f.st.SendDraftToOIV(ctx, f.h, 2023, d.Version, sgU); err != nil {
		t.Fatal(err)
	}
	if got := kinds(t, f)[notify.KindRelazioneDraft]; len(got) != 2 {
		t.Fatalf("after sending again: %v", got)
	}
}
