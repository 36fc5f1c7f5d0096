package mail_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/mail"
	"github.com/piao-performance/piao/internal/mailpit"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
	"github.com/piao-performance/piao/internal/workflow"
)

const (
	base = "https://piao.example.it"
	plan = base + "/enti/cciaa-gran-sasso/piani/piao-2023-2025"
)

type fixture struct {
	st  *store.Store
	h   model.PlanHeader
	mp  *mailpit.Server
	sg  auth.User
	ctx context.Context
}

// newFixture loads the reference plan, the accounts below and a Mailpit.
//
//	dir.ef     dirigente of dir-ef, e-mail
//	dir.prm    dirigente of dir-prm, e-mail
//	ref.prm    referente of dir-prm, e-mail, optional messages turned off
//	ref.senza  referente of dir-prm, no e-mail
//	segretario e-mail; lettore e-mail; oiv e-mail
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	fx := testfix.Reference(t, testfix.WithStore(store.WithBaseURL(base)))
	st, h := fx.Store, fx.Plan
	f := &fixture{st: st, h: h, ctx: ctx}
	for _, u := range []store.NewUser{
		{Username: "dir.ef", DisplayName: "Anna Economico", Email: "dir.ef@example.it", Role: auth.Dirigente, Position: "dir-ef"},
		{Username: "dir.prm", DisplayName: "Bruno Promozione", Email: "dir.prm@example.it", Role: auth.Dirigente, Position: "dir-prm"},
		{Username: "ref.prm", DisplayName: "Carla Referente", Email: "ref.prm@example.it", Role: auth.Referente, Position: "dir-prm"},
		{Username: "ref.senza", DisplayName: "Dario Senza", Role: auth.Referente, Position: "dir-prm"},
		{Username: "segretario", DisplayName: "Elena Segretaria", Email: "sg@example.it", Role: auth.Segretario},
		{Username: "lettore", DisplayName: "Franco Lettore", Email: "lettore@example.it", Role: auth.Lettore},
		{Username: "oiv", DisplayName: "Giulia Valutatrice", Email: "oiv@example.it", Role: auth.OIV},
	} {
		u.Ente = "cciaa-gran-sasso"
		if _, err := st.CreateUser(ctx, u, "test"); err != nil {
			t.Fatal(err)
		}
	}
	ref := f.user(t, "ref.prm")
	if err := st.SetNotifyOptional(ctx, ref, false); err != nil {
		t.Fatal(err)
	}
	f.sg = f.user(t, "segretario")
	f.mp = mailpit.Start(t)
	return f
}

func (f *fixture) user(t *testing.T, username string) auth.User {
	t.Helper()
	u, _, err := f.st.Credentials(f.ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) worker(t *testing.T) *mail.Worker {
	t.Helper()
	s, err := mail.NewSender(mail.Config{Host: f.mp.SMTPHost, Port: f.mp.SMTPPort, Security: mail.SecurityNone,
		From: "PIAO Gran Sasso <piao@example.it>", Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &mail.Worker{Store: f.st, Sender: s, MessageIDHost: "piao.example.it", ReminderDays: 7}
}

func (f *fixture) period(t *testing.T, year int, kind string) model.Period {
	t.Helper()
	p, err := f.st.Period(f.ctx, f.h.ID, year, kind)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// submitted returns an indicator's entry submitted by its dirigente.
func (f *fixture) submitted(t *testing.T, key string, p model.Period) (model.EntryIndicator, model.Entry) {
	t.Helper()
	ind, err := f.st.EntryIndicator(f.ctx, f.h, key, p.Year)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := f.st.Entry(f.ctx, ind.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.st.SaveEntry(f.ctx, f.h, store.EntryInput{Indicator: ind, Period: p, NotApplicable: true,
		Reason: "Servizio non attivo nel periodo", Version: cur.Version, Submit: true}, f.user(t, "dir.prm"))
	if err != nil {
		t.Fatal(err)
	}
	return ind, e
}

func (f *fixture) outbox(t *testing.T) []model.NotificationRow {
	t.Helper()
	rows, err := f.st.Notifications(f.ctx, f.h.EnteID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, body)
		}
	}
}

func TestDeadlineReminderContentAndRecipients(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.period(t, 2024, "midyear") // entries due by 31/07/2024
	// dir-ef has reported everything (submitted): nothing is missing for him
	items, err := f.st.Worklist(f.ctx, f.h, p, f.user(t, "dir.ef").PositionID)
	if err != nil || len(items) == 0 {
		t.Fatalf("worklist of dir-ef: %d %v", len(items), err)
	}
	var ins []store.EntryInput
	for _, w := range items {
		ind, err := f.st.EntryIndicator(f.ctx, f.h, w.Key, p.Year)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, store.EntryInput{Indicator: ind, Period: p, NotApplicable: true, Reason: "Non previsto nel semestre",
			Version: w.Entry.Version, Submit: true})
	}
	if _, errs, err := f.st.SaveEntries(f.ctx, f.h, ins, f.user(t, "dir.ef")); err != nil || len(errs) > 0 {
		t.Fatalf("dir-ef entries: %v %v", errs, err)
	}
	// one dir-prm indicator in draft, one returned: listed with their status
	draftInd, err := f.st.EntryIndicator(f.ctx, f.h, "O.3.3.1/1", p.Year)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SaveEntry(f.ctx, f.h, store.EntryInput{Indicator: draftInd, Period: p, NotApplicable: true, Reason: "bozza"},
		f.user(t, "ref.prm")); err != nil {
		t.Fatal(err)
	}

	w := f.worker(t)
	now := at("2024-07-25 08:00") // 6 days before the deadline
	// eight days before: no reminder yet (the Segretario's digest only)
	if _, err := w.Tick(f.ctx, at("2024-07-23 08:00")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.RunOnce(f.ctx, at("2024-07-23 08:00")); err != nil {
		t.Fatal(err)
	}
	if got := len(f.mp.To(t, "dir.prm@example.it")); got != 0 {
		t.Fatalf("dir.prm reminded 8 days before: %d", got)
	}
	sent := len(f.mp.Messages(t))
	n, err := w.Tick(f.ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	// a second tick the same day (another replica, a restart) adds nothing
	if again, err := w.Tick(f.ctx, now.Add(5*time.Hour)); err != nil || again != 0 {
		t.Fatalf("second tick: %d %v", again, err)
	}
	if _, err := w.RunOnce(f.ctx, now); err != nil {
		t.Fatal(err)
	}
	if got := len(f.mp.Messages(t)); got != sent+n {
		t.Fatalf("%d messages in Mailpit, %d enqueued", got-sent, n)
	}
	// recipients: the dirigente with something missing; not dir-ef (nothing
	// missing), not the referente who opted out, not the one without e-mail
	for _, addr := range []string{"dir.ef@example.it", "ref.prm@example.it", "lettore@example.it", "oiv@example.it"} {
		if got := f.mp.To(t, addr); len(got) != 0 {
			t.Errorf("%s received %d messages: %s", addr, len(got), got[0].Subject)
		}
	}
	msgs := f.mp.To(t, "dir.prm@example.it")
	if len(msgs) != 1 {
		t.Fatalf("dir.prm received %d messages", len(msgs))
	}
	m := msgs[0]
	if m.Subject != "Promemoria: le misurazioni del 30/06/2024 (monitoraggio infrannuale) scadono il 31/07/2024" {
		t.Errorf("subject %q", m.Subject)
	}
	mustContain(t, "text", m.Text, "Gentile Bruno Promozione,", "tra 6 giorni, il 31/07/2024", "Ecco cosa manca:",
		"O.3.3.1/1", "Bozza", "Da compilare",
		plan+"/misurazioni?periodo=2024-midyear", plan+"/misurazioni/O.3.3.1/1?periodo=2024-midyear",
		base+"/area-riservata")
	mustContain(t, "html", m.HTML, `<a href="`+plan+`/misurazioni/O.3.3.1/1?periodo=2024-midyear">`, `lang="it"`)
	if strings.Contains(m.Text, "%") {
		t.Errorf("a reminder carries a percentage:\n%s", m.Text)
	}
	if m.MessageID == "" || !strings.HasSuffix(m.MessageID, "@piao.example.it") || !strings.HasPrefix(m.MessageID, "piao-notifica-") {
		t.Errorf("Message-ID %q", m.MessageID)
	}
	// the Segretario's digest: dir-ef's submissions await approval
	dg := f.mp.To(t, "sg@example.it")
	if len(dg) != 2 { // 23/07 and 25/07
		t.Fatalf("segretario received %d messages", len(dg))
	}
	mustContain(t, "digest", dg[0].Text, "in attesa di approvazione", plan+"/ritardi?periodo=2024-midyear")

	// overdue: the day after the deadline, once that week
	later := at("2024-08-01 08:00")
	if n, err := w.Tick(f.ctx, later); err != nil || n != 2 { // overdue notice + the new day's digest
		t.Fatalf("overdue tick: %d %v", n, err)
	}
	if n, err := w.Tick(f.ctx, at("2024-08-03 08:00")); err != nil || n != 1 { // only the digest: same week
		t.Fatalf("tick in the same week: %d %v", n, err)
	}
	if _, err := w.RunOnce(f.ctx, at("2024-08-03 08:00")); err != nil {
		t.Fatal(err)
	}
	msgs = f.mp.To(t, "dir.prm@example.it")
	if len(msgs) != 2 {
		t.Fatalf("dir.prm received %d messages", len(msgs))
	}
	mustContain(t, "overdue", msgs[0].Subject+msgs[0].Text, "Scadenza superata", "è passata da 1 giorno")
}

func TestReturnedAndApprovedEntries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.period(t, 2023, "final")
	ind, e := f.submitted(t, "O.3.3.1/1", p)
	comment := `Allegare il verbale <b>firmato</b> & protocollato`
	if _, err := f.st.Transition(f.ctx, f.h, ind, p, e.Version, workflow.Return, comment, f.sg); err != nil {
		t.Fatal(err)
	}
	w := f.worker(t)
	now := at("2024-02-10 09:00")
	if res, err := w.RunOnce(f.ctx, now); err != nil || res.Sent != 2 {
		t.Fatalf("send: %+v %v", res, err)
	}
	// returned is mandatory: the referente who turned reminders off gets it too
	for _, addr := range []string{"dir.prm@example.it", "ref.prm@example.it"} {
		msgs := f.mp.To(t, addr)
		if len(msgs) != 1 {
			t.Fatalf("%s received %d messages", addr, len(msgs))
		}
		m := msgs[0]
		if m.Subject != "Misurazione restituita: indicatore O.3.3.1/1" {
			t.Errorf("subject %q", m.Subject)
		}
		mustContain(t, "text", m.Text, "ti è stata restituita da Elena Segretaria", "«"+comment+"»",
			plan+"/misurazioni/O.3.3.1/1?periodo=2023-final")
		mustContain(t, "html", m.HTML, "Allegare il verbale &lt;b&gt;firmato&lt;/b&gt; &amp; protocollato")
		if strings.Contains(m.HTML, "<b>firmato") {
			t.Error("the comment reached the HTML unescaped")
		}
	}
	if got := f.mp.To(t, "dir.ef@example.it"); len(got) != 0 {
		t.Errorf("the dirigente of another position received %d messages", len(got))
	}
	// corrected, submitted again, approved
	ind, e = f.submitted(t, "O.3.3.1/1", p)
	if _, err := f.st.Transition(f.ctx, f.h, ind, p, e.Version, workflow.Approve, "", f.sg); err != nil {
		t.Fatal(err)
	}
	if res, err := w.RunOnce(f.ctx, now); err != nil || res.Sent != 2 {
		t.Fatalf("send: %+v %v", res, err)
	}
	msgs := f.mp.To(t, "dir.prm@example.it")
	if len(msgs) != 2 || msgs[0].Subject != "Misurazione approvata: indicatore O.3.3.1/1" {
		t.Fatalf("after approval: %d messages, latest %q", len(msgs), msgs[0].Subject)
	}
	mustContain(t, "approval", msgs[0].Text, "è stata approvata da Elena Segretaria")
	// a refused transition (stale version) enqueues nothing: same transaction
	before := len(f.outbox(t))
	var conflict *store.ConflictError
	if _, err := f.st.Transition(f.ctx, f.h, ind, p, e.Version, workflow.Reopen, "riapertura di prova", f.sg); !errors.As(err, &conflict) {
		t.Fatalf("stale transition: %v", err)
	}
	if after := len(f.outbox(t)); after != before {
		t.Errorf("outbox grew from %d to %d on a refused transition", before, after)
	}
}

func TestRelazioneReadyForTheOIV(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mid := f.period(t, 2023, "midyear")
	if err := f.st.SetPeriodClosed(f.ctx, f.h, mid, true, "", f.sg); err != nil {
		t.Fatal(err)
	}
	final := f.period(t, 2023, "final")
	if err := f.st.SetPeriodClosed(f.ctx, f.h, final, true, "", f.sg); err != nil {
		t.Fatal(err)
	}
	if _, err := f.worker(t).RunOnce(f.ctx, at("2024-03-01 09:00")); err != nil {
		t.Fatal(err)
	}
	if n := len(f.mp.Messages(t)); n != 1 {
		t.Fatalf("%d messages; want only the final period's", n)
	}
	msgs := f.mp.To(t, "oiv@example.it")
	if len(msgs) != 1 || msgs[0].Subject != "Relazione 2023 pronta per la validazione" {
		t.Fatalf("oiv: %+v", msgs)
	}
	mustContain(t, "text", msgs[0].Text, "Gentile Giulia Valutatrice,", "è stato chiuso da Elena Segretaria", plan+"/oiv", plan+"/relazione/2023")
}

// The worker is stopped while its SMTP conversation is in progress, before
// DATA: the row goes back to the queue and the next worker sends it once.
func TestExactlyOnceAcrossWorkerRestart(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.period(t, 2023, "final")
	ind, e := f.submitted(t, "O.3.3.1/1", p)
	if _, err := f.st.Transition(f.ctx, f.h, ind, p, e.Version, workflow.Approve, "", f.sg); err != nil {
		t.Fatal(err)
	}
	now := at("2024-02-10 09:00")
	// worker A: connected, MAIL and RCPT accepted, then stopped
	ctx, cancel := context.WithCancel(f.ctx)
	a := f.worker(t)
	a.Batch = 1
	a.SetHook(func(stage string, _ int64) {
		if stage == "before-data" {
			cancel()
		}
	})
	if _, err := a.RunOnce(ctx, now); !errors.Is(err, context.Canceled) {
		t.Fatalf("worker A: %v", err)
	}
	if n := len(f.mp.Messages(t)); n != 0 {
		t.Fatalf("%d messages after the stopped send", n)
	}
	// worker B (the restarted process)
	b := f.worker(t)
	for {
		res, err := b.RunOnce(f.ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if res.Sent == 0 {
			break
		}
	}
	if n := len(f.mp.To(t, "dir.prm@example.it")); n != 1 {
		t.Fatalf("dir.prm holds %d copies", n)
	}
	if n := len(f.mp.Messages(t)); n != 2 { // dir.prm and ref.prm, once each
		t.Fatalf("%d messages", n)
	}
	for _, r := range f.outbox(t) {
		if r.Status != model.NotifSent {
			t.Errorf("notification %d: %s", r.ID, r.Status)
		}
	}
}

// A worker that crashed holding a claim: before DATA, the row is sent once
// after the lease; after DATA started, it becomes incerto and is not resent
// until an administrator asks.
func TestCrashedWorkerLeases(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.period(t, 2023, "final")
	ind, e := f.submitted(t, "O.3.3.1/1", p)
	if _, err := f.st.Transition(f.ctx, f.h, ind, p, e.Version, workflow.Return, "Manca la fonte", f.sg); err != nil {
		t.Fatal(err)
	}
	now := at("2024-02-10 09:00")
	lease := 10 * time.Minute
	// the crashed worker claimed both; it had started DATA for the first
	claimed, err := f.st.ClaimNotifications(f.ctx, now, lease, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim: %d %v", len(claimed), err)
	}
	if err := f.st.MarkNotificationDataStarted(f.ctx, claimed[0], now); err != nil {
		t.Fatal(err)
	}
	w := f.worker(t)
	w.Lease = lease
	// during the lease nothing is taken over
	if res, err := w.RunOnce(f.ctx, now.Add(time.Minute)); err != nil || res.Sent != 0 {
		t.Fatalf("during the lease: %+v %v", res, err)
	}
	res, err := w.RunOnce(f.ctx, now.Add(lease))
	if err != nil || res.Requeued != 1 || res.Uncertain != 1 || res.Sent != 1 {
		t.Fatalf("after the lease: %+v %v", res, err)
	}
	if n := len(f.mp.Messages(t)); n != 1 {
		t.Fatalf("%d messages", n)
	}
	// the incerto one stays so; a worker that finds its lease lost cannot touch it
	if err := f.st.MarkNotificationSent(f.ctx, claimed[0], now, "x"); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("stale worker marked a recovered row: %v", err)
	}
	if res, err := w.RunOnce(f.ctx, now.Add(2*lease)); err != nil || res.Sent != 0 {
		t.Fatalf("incerto resent: %+v %v", res, err)
	}
	var incerto model.NotificationRow
	for _, r := range f.outbox(t) {
		if r.ID == claimed[0].ID {
			incerto = r
		}
	}
	if incerto.Status != model.NotifUncertain || !strings.Contains(incerto.LastError, "potrebbe averlo ricevuto") {
		t.Fatalf("crashed after DATA started: %+v", incerto)
	}
	// the administrator retries it
	if err := f.st.RetryNotification(f.ctx, f.h.EnteID, incerto.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RetryNotification(f.ctx, f.h.EnteID, incerto.ID, "admin"); !errors.Is(err, store.ErrNotificationState) {
		t.Errorf("second retry: %v", err)
	}
	if res, err := w.RunOnce(f.ctx, time.Now()); err != nil || res.Sent != 1 {
		t.Fatalf("after Riprova: %+v %v", res, err)
	}
	if n := len(f.mp.Messages(t)); n != 2 {
		t.Fatalf("%d messages", n)
	}
}

// Two workers (two replicas) on the same outbox send each message once.
func TestTwoWorkersSendEachMessageOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.period(t, 2023, "final")
	keys := []string{"O.3.3.1/1", "O.3.3.1/2", "O.3.3.1/3", "O.3.3.1/4", "O.3.3.1/5", "O.3.3.1/6"}
	for _, k := range keys {
		ind, e := f.submitted(t, k, p)
		if _, err := f.st.Transition(f.ctx, f.h, ind, p, e.Version, workflow.Approve, "", f.sg); err != nil {
			t.Fatal(err)
		}
	}
	total := len(f.outbox(t))
	if total != 2*len(keys) {
		t.Fatalf("%d notifications", total)
	}
	now := at("2024-02-10 09:00")
	var wg sync.WaitGroup
	sent := make([]int, 2)
	errs := make([]error, 2)
	for i := range 2 {
		w := f.worker(t)
		w.Batch = 2
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				res, err := w.RunOnce(f.ctx, now)
				if err != nil {
					errs[i] = err
					return
				}
				if res.Sent == 0 {
					return
				}
				sent[i] += res.Sent
			}
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if sent[0]+sent[1] != total {
		t.Errorf("workers sent %d + %d, want %d", sent[0], sent[1], total)
	}
	msgs := f.mp.Messages(t)
	if len(msgs) != total {
		t.Fatalf("Mailpit holds %d messages, want %d", len(msgs), total)
	}
	ids := map[string]bool{}
	for _, m := range msgs {
		if ids[m.MessageID] {
			t.Errorf("message %s twice", m.MessageID)
		}
		ids[m.MessageID] = true
	}
}

// The server refuses (451 to RCPT, Mailpit's chaos): the row goes back to the
// queue with backoff, is not retried before its time, and is sent on the
// next attempt; a permanent refusal (550) fails at once.
func TestRetryAfterRefusal(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.period(t, 2023, "final")
	ind, e := f.submitted(t, "O.3.3.1/1", p)
	if _, err := f.st.Transition(f.ctx, f.h, ind, p, e.Version, workflow.Approve, "", f.sg); err != nil {
		t.Fatal(err)
	}
	w := f.worker(t)
	now := at("2024-02-10 09:00")
	f.mp.Chaos(t, 451, 100)
	res, err := w.RunOnce(f.ctx, now)
	if err != nil || res.Retried != 2 || res.Sent != 0 {
		t.Fatalf("refused: %+v %v", res, err)
	}
	for _, r := range f.outbox(t) {
		if r.Status != model.NotifQueued || r.Attempts != 1 || r.NextAttemptAt == nil || !r.NextAttemptAt.Equal(now.Add(time.Minute)) || !strings.Contains(r.LastError, "451") {
			t.Fatalf("after a 451: %+v", r)
		}
	}
	f.mp.Chaos(t, 451, 0)
	// not due yet
	if res, err := w.RunOnce(f.ctx, now.Add(59*time.Second)); err != nil || res.Sent != 0 {
		t.Fatalf("before the backoff: %+v %v", res, err)
	}
	if res, err := w.RunOnce(f.ctx, now.Add(time.Minute)); err != nil || res.Sent != 2 {
		t.Fatalf("after the backoff: %+v %v", res, err)
	}
	if n := len(f.mp.To(t, "dir.prm@example.it")); n != 1 {
		t.Fatalf("dir.prm holds %d copies", n)
	}
	// permanent refusal
	ind, e = f.submitted(t, "O.3.3.1/2", p)
	if _, err := f.st.Transition(f.ctx, f.h, ind, p, e.Version, workflow.Approve, "", f.sg); err != nil {
		t.Fatal(err)
	}
	f.mp.Chaos(t, 550, 100)
	if res, err := w.RunOnce(f.ctx, now.Add(time.Hour)); err != nil || res.Failed != 2 {
		t.Fatalf("550: %+v %v", res, err)
	}
	failed := 0
	for _, r := range f.outbox(t) {
		if r.Status == model.NotifFailed && strings.Contains(r.LastError, "550") {
			failed++
		}
	}
	if failed != 2 {
		t.Errorf("%d failed rows", failed)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 8: 128 * time.Minute, 20: 6 * time.Hour} {
		if got := mail.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
}
