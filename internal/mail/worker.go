package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/piao-performance/piao/internal/store"
)

// Worker sends the outbox. Exactly once, across restarts and replicas:
//
//   - A row is claimed (status sending, attempt number, lease) with FOR
//     UPDATE SKIP LOCKED in its own committed statement, before any SMTP
//     traffic: two workers never hold the same row.
//   - After RCPT and before the DATA command the worker records
//     data_started_at (committed). Until then the server cannot have the
//     message: any failure, a refusal, a cancelled context or a crash (found
//     when the lease expires) puts the row back in the queue, safely.
//   - After DATA started, only the server's answer to the final "." decides:
//     250 → sent; an error code → not accepted (queued again, or failed); no
//     answer (connection lost, crash) → incerto. An incerto row is never
//     resent automatically, because the server may have accepted it and a
//     second copy is worse than a visible "Esito incerto" that an
//     administrator can check and retry ("Riprova"). The window is the
//     transmission of one message, so incerto is rare.
//   - Every step after the claim names the attempt number: a worker whose
//     lease expired cannot overwrite the row another one took over. The lease
//     (10 minutes) outlasts the SMTP timeout (60 seconds), so a live worker
//     does not lose it; only a crashed or stopped one does.
type Worker struct {
	Store  *store.Store
	Sender *Sender // nil: SMTP is off, notifications stay queued
	Log    *slog.Logger
	From   string // From header; the sender's address by default
	// Host of the Message-ID (the host of PIAO_BASE_URL)
	MessageIDHost string
	Lease         time.Duration // how long a claim lasts; default 10 minutes
	MaxAttempts   int           // attempts before failed; default 8
	Batch         int           // rows claimed per round; default 20
	ReminderDays  int           // PIAO_REMINDER_DAYS (0: on the deadline day only)
	// hook is called at each stage of a send (tests stop a worker mid-send)
	hook func(stage string, id int64)
}

func (w *Worker) defaults() {
	if w.Lease <= 0 {
		w.Lease = 10 * time.Minute
	}
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = 8
	}
	if w.Batch <= 0 {
		w.Batch = 20
	}
	if w.MessageIDHost == "" {
		w.MessageIDHost = "piao.invalid"
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
}

// Backoff is the wait before attempt n+1 after n failed attempts: 1 minute,
// doubling, at most 6 hours.
func Backoff(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// MessageID is the deterministic Message-ID of outbox row id.
func MessageID(id int64, host string) string {
	return "piao-notifica-" + strconv.FormatInt(id, 10) + "@" + host
}

// HostOf returns the host of a base URL, for Message-IDs.
func HostOf(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" {
		return "piao.invalid"
	}
	return u.Hostname()
}

// Result counts what a round did.
type Result struct {
	Requeued, Uncertain int // recovered leases
	Sent, Retried       int
	Failed              int
	Incerto             int
}

// RunOnce recovers the leases expired by now, then claims and sends the
// notifications due at now, one by one. ctx cancelled: the message in
// flight is put back in the queue when DATA had not started.
func (w *Worker) RunOnce(ctx context.Context, now time.Time) (Result, error) {
	w.defaults()
	var res Result
	var err error
	res.Requeued, res.Uncertain, err = w.Store.RecoverNotifications(ctx, now)
	if err != nil {
		return res, err
	}
	if res.Requeued+res.Uncertain > 0 {
		w.Log.Warn("notification leases expired", "requeued", res.Requeued, "incerto", res.Uncertain)
	}
	if w.Sender == nil {
		return res, nil
	}
	msgs, err := w.Store.ClaimNotifications(ctx, now, w.Lease, w.Batch)
	if err != nil {
		return res, err
	}
	for i, m := range msgs {
		if ctx.Err() != nil {
			// claimed but not started: back to the queue at once
			for _, rest := range msgs[i:] {
				if err := w.Store.MarkNotificationRetry(context.WithoutCancel(ctx), rest, &now, "worker fermato prima dell'invio"); err != nil {
					return res, err
				}
			}
			return res, ctx.Err()
		}
		if err := w.send(ctx, now, m, &res); err != nil {
			return res, err
		}
	}
	return res, ctx.Err()
}

func (w *Worker) stage(s string, id int64) {
	if w.hook != nil {
		w.hook(s, id)
	}
}

// send delivers one claimed message and records the outcome (with a context
// that outlives a shutdown, so the row never stays sending needlessly).
func (w *Worker) send(ctx context.Context, now time.Time, m store.OutboxMessage, res *Result) error {
	dbctx := context.WithoutCancel(ctx)
	from := w.From
	if from == "" {
		from = w.Sender.cfg.From
	}
	mid := MessageID(m.ID, w.MessageIDHost)
	data, err := Compose(Message{From: from, ToName: m.RecipientName, To: m.RecipientEmail, Subject: m.Subject,
		Text: m.BodyText, HTML: m.BodyHTML, MessageID: mid, Date: now})
	if err != nil {
		return err
	}
	w.stage("claimed", m.ID)
	err = w.Sender.Send(ctx, Envelope{To: m.RecipientEmail, Data: data}, func() error {
		w.stage("before-data", m.ID)
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.Store.MarkNotificationDataStarted(dbctx, m, now); err != nil {
			return err
		}
		w.stage("data-started", m.ID)
		return nil
	})
	var notSent *NotSentError
	var uncertain *UncertainError
	switch {
	case err == nil:
		res.Sent++
		return w.Store.MarkNotificationSent(dbctx, m, now, mid)
	case errors.Is(err, store.ErrLeaseLost):
		w.Log.Warn("notification lease lost before sending: left to its new owner", "id", m.ID)
		return nil
	case errors.As(err, &uncertain):
		res.Incerto++
		w.Log.Error("notification outcome unknown: marked incerto, not resent", "id", m.ID, "err", err)
		return w.Store.MarkNotificationUncertain(dbctx, m, "esito sconosciuto: "+err.Error())
	case errors.As(err, &notSent) && !notSent.Permanent && m.Attempt < w.MaxAttempts:
		next := now.Add(Backoff(m.Attempt))
		if ctx.Err() != nil {
			next = now // stopped, not refused: the next worker may send it at once
		}
		res.Retried++
		w.Log.Warn("notification not sent: will retry", "id", m.ID, "attempt", m.Attempt, "next", next, "err", err)
		return w.Store.MarkNotificationRetry(dbctx, m, &next, err.Error())
	default:
		res.Failed++
		w.Log.Error("notification not sent: failed", "id", m.ID, "attempt", m.Attempt, "err", err)
		return w.Store.MarkNotificationRetry(dbctx, m, nil, fmt.Sprintf("tentativo %d: %v", m.Attempt, err))
	}
}

// Tick enqueues the scheduled notifications of now's day (reminders,
// overdue notices, digest); idempotent.
func (w *Worker) Tick(ctx context.Context, now time.Time) (int, error) {
	w.defaults()
	return w.Store.EnqueueScheduled(ctx, now, w.ReminderDays)
}

// Run sends every interval and enqueues the scheduled notifications every
// hour (they are keyed by day, so a repeated tick adds nothing) until ctx
// ends; errors are logged and the loop goes on.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	w.defaults()
	if w.Sender == nil {
		w.Log.Warn("PIAO_SMTP_HOST is not set: e-mail notifications stay queued, visible to administrators, and are not sent")
	}
	var lastTick time.Time
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		now := time.Now()
		if now.Sub(lastTick) >= time.Hour {
			if n, err := w.Tick(ctx, now); err != nil {
				if ctx.Err() != nil {
					return
				}
				w.Log.Error("scheduled notifications", "err", err)
			} else {
				lastTick = now
				if n > 0 {
					w.Log.Info("scheduled notifications enqueued", "count", n)
				}
			}
		}
		if _, err := w.RunOnce(ctx, now); err != nil && ctx.Err() == nil {
			w.Log.Error("sending notifications", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
