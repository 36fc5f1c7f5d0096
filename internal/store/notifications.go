package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/notify"
	"github.com/piao-performance/piao/internal/workflow"
)

// The e-mail outbox (migration 000021). A notification is written in the
// transaction of the event that causes it (enqueueNotification), so it exists
// exactly when the event committed; internal/mail's worker sends it through
// the state functions below, each one statement that commits on its own:
//
//	queued ──claim──▶ sending ──accepted──▶ sent
//	   ▲                 │ refused or interrupted before DATA: queued with
//	   └─────────────────┘ backoff, or failed after the last attempt
//	sending, DATA started, no answer (or a crash after DATA started) ──▶ incerto
//
// A claimed row carries its attempt number; every later step names it, so a
// worker whose lease expired and whose row was taken over cannot touch it.

// ErrNotificationState is returned when "Riprova" is asked for a
// notification that is neither failed nor incerto (any more).
var ErrNotificationState = errors.New("the notification is no longer retriable")

// recipient is an account a notification goes to.
type recipient struct {
	ID          int64
	Name, Email string
}

// newNotification is a message to put in the outbox.
type newNotification struct {
	EnteID    *int64
	Kind      string
	Recipient recipient
	Msg       notify.Message
	Dedupe    string
}

// enqueueNotification writes n into the outbox inside tx; a notification
// with the same dedupe key already there makes it a no-op.
func enqueueNotification(ctx context.Context, tx pgx.Tx, n newNotification) error {
	_, err := tx.Exec(ctx, `INSERT INTO notifications (ente_id, kind, optional, recipient_id, recipient_name, recipient_email,
			subject, body_text, body_html, dedupe_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (dedupe_key) DO NOTHING`,
		n.EnteID, n.Kind, notify.Optional(n.Kind), n.Recipient.ID, n.Recipient.Name, n.Recipient.Email,
		n.Msg.Subject, n.Msg.Text, n.Msg.HTML, n.Dedupe)
	if err != nil {
		return fmt.Errorf("enqueue %s notification: %w", n.Kind, err)
	}
	return nil
}

// recipients reads active accounts with an e-mail address; query selects
// id, display_name, email from users u.
func recipients(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]recipient, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("notification recipients: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (recipient, error) {
		var x recipient
		return x, r.Scan(&x.ID, &x.Name, &x.Email)
	})
	if err != nil {
		return nil, fmt.Errorf("notification recipients: %w", err)
	}
	return out, nil
}

func planOf(h model.PlanHeader) notify.Plan {
	return notify.Plan{EnteSlug: h.EnteSlug, EnteName: h.EnteName, Slug: h.Slug, Title: h.Title}
}

// enqueueEntryReviewed tells the dirigenti and referenti of the positions
// owning an indicator's objective that its entry was approved or returned
// (mandatory). Called by Transition, so the single and the bulk paths alike
// enqueue in the transaction of the change.
func (s *Store) enqueueEntryReviewed(ctx context.Context, tx pgx.Tx, h model.PlanHeader, ind model.EntryIndicator, p model.Period, measurementID int64,
	version int, approved bool, comment string, actor auth.User) error {
	to, err := recipients(ctx, tx, `SELECT DISTINCT u.id, u.display_name, u.email FROM users u
		JOIN objective_owners oo ON oo.role_id = u.position_id JOIN indicators i ON i.objective_id = oo.objective_id
		WHERE i.id = $1 AND u.active AND u.email <> '' AND u.access_role IN ('dirigente', 'referente') ORDER BY u.id`, ind.ID)
	if err != nil {
		return err
	}
	kind := notify.KindEntryReturned
	if approved {
		kind = notify.KindEntryApproved
	}
	name := ind.Name
	if name == "" {
		if err := tx.QueryRow(ctx, `SELECT name FROM indicators WHERE id = $1`, ind.ID).Scan(&name); err != nil {
			return fmt.Errorf("indicator name: %w", err)
		}
	}
	reviewer := actor.Name()
	for _, r := range to {
		msg, err := s.site.EntryReviewed(notify.EntryReview{Recipient: r.Name, Plan: planOf(h), IndicatorKey: ind.Key, IndicatorName: name,
			PeriodYear: p.Year, PeriodKind: p.Kind, PeriodLabel: p.Label(), Reviewer: reviewer, Approved: approved, Comment: comment})
		if err != nil {
			return err
		}
		if err := enqueueNotification(ctx, tx, newNotification{EnteID: &h.EnteID, Kind: kind, Recipient: r, Msg: msg,
			Dedupe: fmt.Sprintf("%s:m%d:v%d:u%d", kind, measurementID, version, r.ID)}); err != nil {
			return err
		}
	}
	return nil
}

// enqueueRelazioneReady tells the ente's OIV that a year's final period was
// closed: the Relazione is ready for validation (mandatory).
func (s *Store) enqueueRelazioneReady(ctx context.Context, tx pgx.Tx, h model.PlanHeader, periodID int64, actor auth.User) error {
	var year, version int
	var kind string
	if err := tx.QueryRow(ctx, `SELECT year, kind, version FROM periods WHERE id = $1`, periodID).Scan(&year, &kind, &version); err != nil {
		return fmt.Errorf("closed period: %w", err)
	}
	if kind != "final" {
		return nil
	}
	to, err := oivRecipients(ctx, tx, h.EnteID)
	if err != nil {
		return err
	}
	by := actor.Name()
	for _, r := range to {
		msg, err := s.site.RelazioneReadyMessage(notify.RelazioneReady{Recipient: r.Name, Plan: planOf(h), Year: year, ClosedBy: by})
		if err != nil {
			return err
		}
		if err := enqueueNotification(ctx, tx, newNotification{EnteID: &h.EnteID, Kind: notify.KindRelazioneReady, Recipient: r, Msg: msg,
			Dedupe: fmt.Sprintf("%s:p%d:v%d:u%d", notify.KindRelazioneReady, periodID, version, r.ID)}); err != nil {
			return err
		}
	}
	return nil
}

// oivRecipients are the ente's active OIV accounts with an e-mail address.
func oivRecipients(ctx context.Context, tx pgx.Tx, enteID int64) ([]recipient, error) {
	return recipients(ctx, tx, `SELECT u.id, u.display_name, u.email FROM users u
		WHERE u.ente_id = $1 AND u.access_role = 'oiv' AND u.active AND u.email <> '' ORDER BY u.id`, enteID)
}

// enqueueRelazioneDraftSent tells the ente's OIV that the Segretario sent it
// the text of a year's Relazione (mandatory): version is the draft's version
// once sent, so a text sent again after a "non validata" is a new message.
func (s *Store) enqueueRelazioneDraftSent(ctx context.Context, tx pgx.Tx, h model.PlanHeader, year, version int, actor auth.User) error {
	to, err := oivRecipients(ctx, tx, h.EnteID)
	if err != nil {
		return err
	}
	for _, r := range to {
		msg, err := s.site.RelazioneDraftSentMessage(notify.RelazioneDraftSent{Recipient: r.Name, Plan: planOf(h), Year: year, SentBy: actor.Name()})
		if err != nil {
			return err
		}
		if err := enqueueNotification(ctx, tx, newNotification{EnteID: &h.EnteID, Kind: notify.KindRelazioneDraft, Recipient: r, Msg: msg,
			Dedupe: fmt.Sprintf("%s:p%d:y%d:v%d:u%d", notify.KindRelazioneDraft, h.ID, year, version, r.ID)}); err != nil {
			return err
		}
	}
	return nil
}

// OverdueWeeks bounds the overdue reminders: one a week for this many weeks
// after the deadline, then the Segretario's digest and lateness page take over.
const OverdueWeeks = 8

// EnqueueScheduled writes the scheduled notifications due on now's day:
// deadline reminders to the dirigenti and referenti with something missing
// (from reminderDays days before a period's entry deadline; once per period
// and deadline), overdue notices (once a week for OverdueWeeks weeks), and
// the daily digest to each Segretario with submissions awaiting approval.
// All are optional: accounts that turned them off get none. It is idempotent
// (dedupe keys carry the day or week), so every tick may call it. It returns
// how many notifications it added.
func (s *Store) EnqueueScheduled(ctx context.Context, now time.Time, reminderDays int) (int, error) {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	added := 0
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		n, err := s.enqueueReminders(ctx, tx, today, reminderDays)
		if err != nil {
			return err
		}
		added += n
		n, err = s.enqueueDigests(ctx, tx, today)
		added += n
		return err
	})
	return added, err
}

type reminderKey struct{ period, user int64 }

func (s *Store) enqueueReminders(ctx context.Context, tx pgx.Tx, today time.Time, reminderDays int) (int, error) {
	rows, err := tx.Query(ctx, `
		SELECT p.id, p.year, p.kind, p.ends_on, p.entry_deadline, pl.slug, pl.title, e.id, e.slug, e.name,
		       u.id, u.display_name, u.email, i.key, i.name, coalesce(m.status, '')
		FROM periods p JOIN plans pl ON pl.id = p.plan_id JOIN enti e ON e.id = pl.ente_id
		JOIN indicators i ON i.plan_id = pl.id AND i.formula <> 'derived'
		JOIN objectives o ON o.id = i.objective_id
		JOIN objective_owners oo ON oo.objective_id = o.id
		JOIN users u ON u.position_id = oo.role_id AND u.ente_id = e.id
		LEFT JOIN measurements m ON m.indicator_id = i.id AND m.period_id = p.id
		WHERE p.closed_at IS NULL AND p.entry_deadline IS NOT NULL
		  AND $1::date BETWEEN p.entry_deadline - $2::int AND p.entry_deadline + 7 * $3::int
		  AND u.active AND u.email <> '' AND u.notify_optional AND u.access_role IN ('dirigente', 'referente')
		  AND (m.id IS NULL OR m.status IN ('draft', 'returned'))
		ORDER BY p.id, u.id, o.position, i.position, i.id`, today, reminderDays, OverdueWeeks)
	if err != nil {
		return 0, fmt.Errorf("reminders: %w", err)
	}
	type group struct {
		r        notify.Reminder
		to       recipient
		enteID   int64
		deadline time.Time
		seen     map[string]bool
	}
	groups := map[reminderKey]*group{}
	var order []reminderKey
	var (
		pid, enteID, uid      int64
		year                  int
		kind, planSlug, title string
		enteSlug, enteName    string
		name, email, key      string
		indName, status       string
		endsOn, deadline      time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&pid, &year, &kind, &endsOn, &deadline, &planSlug, &title, &enteID, &enteSlug, &enteName,
		&uid, &name, &email, &key, &indName, &status}, func() error {
		k := reminderKey{pid, uid}
		g := groups[k]
		if g == nil {
			p := model.Period{Year: year, Kind: kind, EndsOn: endsOn}
			g = &group{r: notify.Reminder{Recipient: name, Plan: notify.Plan{EnteSlug: enteSlug, EnteName: enteName, Slug: planSlug, Title: title},
				PeriodYear: year, PeriodKind: kind, PeriodLabel: p.Label(), Deadline: deadline.Format("02/01/2006")},
				to: recipient{ID: uid, Name: name, Email: email}, enteID: enteID, deadline: deadline, seen: map[string]bool{}}
			groups[k] = g
			order = append(order, k)
		}
		if !g.seen[key] { // an objective with two owners lists the indicator once per owner
			g.seen[key] = true
			g.r.Missing = append(g.r.Missing, notify.Missing{Key: key, Name: indName, Status: workflow.Label(status)})
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("reminders: %w", err)
	}
	added := 0
	for _, k := range order {
		g := groups[k]
		dl := time.Date(g.deadline.Year(), g.deadline.Month(), g.deadline.Day(), 0, 0, 0, 0, time.UTC)
		days := int(today.Sub(dl).Hours() / 24)
		kindN := notify.KindDeadlineSoon
		dedupe := fmt.Sprintf("%s:p%d:u%d:d%s", kindN, k.period, k.user, dl.Format("2006-01-02"))
		if days > 0 {
			kindN = notify.KindDeadlineOverdue
			g.r.Overdue, g.r.Days = true, days
			// one a week: the week after the deadline the day falls in
			dedupe = fmt.Sprintf("%s:p%d:u%d:d%s:w%d", kindN, k.period, k.user, dl.Format("2006-01-02"), (days-1)/7)
		} else {
			g.r.Days = -days
		}
		msg, err := s.site.ReminderMessage(g.r)
		if err != nil {
			return 0, err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO notifications (ente_id, kind, optional, recipient_id, recipient_name, recipient_email,
				subject, body_text, body_html, dedupe_key)
			VALUES ($1, $2, true, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedupe_key) DO NOTHING`,
			g.enteID, kindN, g.to.ID, g.to.Name, g.to.Email, msg.Subject, msg.Text, msg.HTML, dedupe)
		if err != nil {
			return 0, fmt.Errorf("enqueue reminder: %w", err)
		}
		added += int(tag.RowsAffected())
	}
	return added, nil
}

func (s *Store) enqueueDigests(ctx context.Context, tx pgx.Tx, today time.Time) (int, error) {
	rows, err := tx.Query(ctx, `
		SELECT u.id, u.display_name, u.email, e.id, e.slug, e.name, pl.slug, pl.title, p.year, p.kind, p.ends_on, count(*)
		FROM users u JOIN enti e ON e.id = u.ente_id JOIN plans pl ON pl.ente_id = e.id
		JOIN periods p ON p.plan_id = pl.id AND p.closed_at IS NULL
		JOIN measurements m ON m.period_id = p.id AND m.status = 'submitted'
		WHERE u.access_role = 'segretario' AND u.active AND u.email <> '' AND u.notify_optional
		GROUP BY u.id, u.display_name, u.email, e.id, e.slug, e.name, pl.id, pl.slug, pl.title, p.id, p.year, p.kind, p.ends_on
		ORDER BY u.id, pl.id, p.ends_on`)
	if err != nil {
		return 0, fmt.Errorf("approval digest: %w", err)
	}
	type digest struct {
		to     recipient
		enteID int64
		lines  []notify.DigestLine
	}
	var out []*digest
	var (
		uid, enteID                                 int64
		name, email, enteSlug, enteName, slug, titl string
		year, count                                 int
		kind                                        string
		endsOn                                      time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&uid, &name, &email, &enteID, &enteSlug, &enteName, &slug, &titl, &year, &kind, &endsOn, &count}, func() error {
		if len(out) == 0 || out[len(out)-1].to.ID != uid {
			out = append(out, &digest{to: recipient{ID: uid, Name: name, Email: email}, enteID: enteID})
		}
		d := out[len(out)-1]
		d.lines = append(d.lines, notify.DigestLine{Plan: notify.Plan{EnteSlug: enteSlug, EnteName: enteName, Slug: slug, Title: titl},
			PeriodYear: year, PeriodKind: kind, PeriodLabel: model.Period{Year: year, Kind: kind, EndsOn: endsOn}.Label(), Count: count})
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("approval digest: %w", err)
	}
	added := 0
	day := today.Format("2006-01-02")
	for _, d := range out {
		msg, err := s.site.DigestMessage(d.to.Name, today.Format("02/01/2006"), d.lines)
		if err != nil {
			return 0, err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO notifications (ente_id, kind, optional, recipient_id, recipient_name, recipient_email,
				subject, body_text, body_html, dedupe_key)
			VALUES ($1, $2, true, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedupe_key) DO NOTHING`,
			d.enteID, notify.KindApprovalDigest, d.to.ID, d.to.Name, d.to.Email, msg.Subject, msg.Text, msg.HTML,
			fmt.Sprintf("%s:u%d:%s", notify.KindApprovalDigest, d.to.ID, day))
		if err != nil {
			return 0, fmt.Errorf("enqueue digest: %w", err)
		}
		added += int(tag.RowsAffected())
	}
	return added, nil
}

// OutboxMessage is a claimed notification, as the worker sends it.
type OutboxMessage struct {
	ID                 int64
	Attempt            int // the claim's attempt number; later steps name it
	Kind               string
	RecipientName      string
	RecipientEmail     string
	Subject            string
	BodyText, BodyHTML string
}

// RecoverNotifications ends the leases that expired by now: a row whose
// worker had not started DATA goes back to the queue (the server cannot have
// received it); one whose DATA had started becomes incerto, never resent
// blindly: the server may have accepted it, so an administrator decides
// ("Riprova"). It returns how many went each way.
func (s *Store) RecoverNotifications(ctx context.Context, now time.Time) (requeued, uncertain int, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE notifications SET status = 'queued', lease_until = NULL, next_attempt_at = NULL,
				last_error = 'invio interrotto prima dei dati del messaggio: rimessa in coda'
			WHERE status = 'sending' AND lease_until <= $1 AND data_started_at IS NULL`, now)
		if err != nil {
			return fmt.Errorf("requeue notifications: %w", err)
		}
		requeued = int(tag.RowsAffected())
		tag, err = tx.Exec(ctx, `UPDATE notifications SET status = 'incerto', lease_until = NULL,
				last_error = 'invio interrotto durante la trasmissione del messaggio: il server potrebbe averlo ricevuto'
			WHERE status = 'sending' AND lease_until <= $1 AND data_started_at IS NOT NULL`, now)
		if err != nil {
			return fmt.Errorf("uncertain notifications: %w", err)
		}
		uncertain = int(tag.RowsAffected())
		return nil
	})
	return requeued, uncertain, err
}

// ClaimNotifications marks up to limit due notifications sending, with a
// lease until now+lease, and returns them. FOR UPDATE SKIP LOCKED: two
// workers (two replicas) never claim the same row; the claim commits before
// any SMTP traffic.
func (s *Store) ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error) {
	rows, err := s.pool.Query(ctx, `UPDATE notifications n SET status = 'sending', attempts = n.attempts + 1, lease_until = $2,
			data_started_at = NULL
		WHERE n.id IN (SELECT id FROM notifications WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
			ORDER BY next_attempt_at NULLS FIRST, id LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING n.id, n.attempts, n.kind, n.recipient_name, n.recipient_email, n.subject, n.body_text, n.body_html`,
		now, now.Add(lease), limit)
	if err != nil {
		return nil, fmt.Errorf("claim notifications: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutboxMessage, error) {
		var m OutboxMessage
		return m, r.Scan(&m.ID, &m.Attempt, &m.Kind, &m.RecipientName, &m.RecipientEmail, &m.Subject, &m.BodyText, &m.BodyHTML)
	})
	if err != nil {
		return nil, fmt.Errorf("claim notifications: %w", err)
	}
	return out, nil
}

// ErrLeaseLost is returned when a claimed notification is no longer this
// worker's (its lease expired and it was recovered or claimed again).
var ErrLeaseLost = errors.New("notification lease lost")

func oneRow(tag interface{ RowsAffected() int64 }, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrLeaseLost
	}
	return nil
}

// MarkNotificationDataStarted records, before the SMTP DATA command, that
// the message may reach the server from now on: after a crash the row then
// becomes incerto instead of being sent again. ErrLeaseLost: do not send.
func (s *Store) MarkNotificationDataStarted(ctx context.Context, m OutboxMessage, now time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE notifications SET data_started_at = $3
		WHERE id = $1 AND attempts = $2 AND status = 'sending' AND data_started_at IS NULL AND lease_until > $3`, m.ID, m.Attempt, now)
	return oneRow(tag, err, "notification data started")
}

// MarkNotificationSent records that the server accepted the message.
func (s *Store) MarkNotificationSent(ctx context.Context, m OutboxMessage, now time.Time, messageID string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE notifications SET status = 'sent', sent_at = $3, message_id = $4, lease_until = NULL, last_error = ''
		WHERE id = $1 AND attempts = $2 AND status = 'sending'`, m.ID, m.Attempt, now, messageID)
	return oneRow(tag, err, "notification sent")
}

// MarkNotificationRetry records a failure before the server accepted the
// message: back to the queue until next (with the error), or failed when
// next is nil (last attempt, or refused for good).
func (s *Store) MarkNotificationRetry(ctx context.Context, m OutboxMessage, next *time.Time, reason string) error {
	status := model.NotifQueued
	if next == nil {
		status = model.NotifFailed
	}
	tag, err := s.pool.Exec(ctx, `UPDATE notifications SET status = $3, next_attempt_at = coalesce($4, next_attempt_at), last_error = $5,
			lease_until = NULL, data_started_at = NULL
		WHERE id = $1 AND attempts = $2 AND status = 'sending'`, m.ID, m.Attempt, status, next, truncate(reason, 1000))
	return oneRow(tag, err, "notification retry")
}

// MarkNotificationUncertain records that the conversation broke after DATA
// started without the server's answer: the message may have been delivered.
func (s *Store) MarkNotificationUncertain(ctx context.Context, m OutboxMessage, reason string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE notifications SET status = 'incerto', last_error = $3, lease_until = NULL
		WHERE id = $1 AND attempts = $2 AND status = 'sending'`, m.ID, m.Attempt, truncate(reason, 1000))
	return oneRow(tag, err, "notification uncertain")
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Notifications lists the ente's latest notifications, newest first.
func (s *Store) Notifications(ctx context.Context, enteID int64, limit int) ([]model.NotificationRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, kind, optional, recipient_name, recipient_email, subject, status, attempts, next_attempt_at,
			last_error, created_at, sent_at
		FROM notifications WHERE ente_id = $1 ORDER BY id DESC LIMIT $2`, enteID, limit)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.NotificationRow, error) {
		var n model.NotificationRow
		return n, r.Scan(&n.ID, &n.Kind, &n.Optional, &n.RecipientName, &n.RecipientEmail, &n.Subject, &n.Status, &n.Attempts,
			&n.NextAttemptAt, &n.LastError, &n.CreatedAt, &n.SentAt)
	})
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	return out, nil
}

// RetryNotification puts a failed or incerto notification of the ente back
// in the queue, with fresh attempts, and records who decided it (an incerto
// one may then arrive twice: the administrator chose so).
func (s *Store) RetryNotification(ctx context.Context, enteID, id int64, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var status, email, subject string
		err := tx.QueryRow(ctx, `SELECT status, recipient_email, subject FROM notifications WHERE id = $1 AND ente_id = $2 FOR UPDATE`,
			id, enteID).Scan(&status, &email, &subject)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("notification %d: %w", id, err)
		}
		if status != model.NotifFailed && status != model.NotifUncertain {
			return ErrNotificationState
		}
		if _, err := tx.Exec(ctx, `UPDATE notifications SET status = 'queued', attempts = 0, next_attempt_at = NULL, data_started_at = NULL
			WHERE id = $1`, id); err != nil {
			return fmt.Errorf("retry notification %d: %w", id, err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "notification.retry", EnteID: &enteID, ObjectType: "notification",
			ObjectKey: strconv.FormatInt(id, 10), Detail: map[string]any{"from": status, "recipient": email, "subject": subject}})
	})
}

// NotifyOptional says whether the account receives the optional messages
// (reminders and digest).
func (s *Store) NotifyOptional(ctx context.Context, userID int64) (bool, error) {
	var on bool
	err := s.pool.QueryRow(ctx, `SELECT notify_optional FROM users WHERE id = $1`, userID).Scan(&on)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("notification preference: %w", err)
	}
	return on, nil
}

// SetNotifyOptional turns the account's optional messages on or off
// (audited; setting the value it already has changes nothing).
func (s *Store) SetNotifyOptional(ctx context.Context, u auth.User, on bool) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET notify_optional = $2 WHERE id = $1 AND notify_optional <> $2`, u.ID, on)
		if err != nil {
			return fmt.Errorf("notification preference: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		var ente *int64
		if u.EnteID != 0 {
			ente = &u.EnteID
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: u.Username, Action: "user.notifications", EnteID: ente, ObjectType: "user",
			ObjectKey: u.Username, Detail: map[string]any{"optional": on}})
	})
}
