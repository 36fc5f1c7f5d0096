package templates

import (
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/notify"
)

// NotificationsData is the outbox page.
type NotificationsData struct {
	Ente     model.EnteInfo
	Rows     []model.NotificationRow
	Message  string
	Error    string
	SMTPOff  bool
	Limit    int
	Complete bool // fewer rows than the limit: the list is whole
}

// NotifyPrefs is the user's e-mail preferences form in the reserved area.
type NotifyPrefs struct {
	Email    string
	Optional bool
	Message  string
	Error    string
}

func notifKind(kind string) string { return notify.KindLabel(kind) }

func notifStatus(s string) string { return model.NotificationStatusLabel(s) }

// notifBadge is the badge class of a status; the status is always written
// beside it, never conveyed by colour alone.
func notifBadge(s string) string {
	switch s {
	case model.NotifSent:
		return "badge text-bg-success"
	case model.NotifFailed:
		return "badge text-bg-danger"
	case model.NotifUncertain:
		return "badge text-bg-warning"
	}
	return "badge text-bg-secondary"
}

func notifRetryable(s string) bool { return s == model.NotifFailed || s == model.NotifUncertain }

func notifWhen(n model.NotificationRow) string {
	switch {
	case n.SentAt != nil:
		return "inviata il " + dateTime(*n.SentAt)
	case n.Status == model.NotifQueued && n.NextAttemptAt != nil:
		return "prossimo tentativo il " + dateTime(*n.NextAttemptAt)
	case n.Status == model.NotifQueued:
		return "appena possibile"
	}
	return ""
}
