package model

import "time"

// Notification statuses.
const (
	NotifQueued    = "queued"
	NotifSending   = "sending"
	NotifSent      = "sent"
	NotifFailed    = "failed"
	NotifUncertain = "incerto"
)

// NotificationStatusLabel is the Italian name of a status.
func NotificationStatusLabel(s string) string {
	switch s {
	case NotifQueued:
		return "In coda"
	case NotifSending:
		return "In invio"
	case NotifSent:
		return "Inviata"
	case NotifFailed:
		return "Non recapitata"
	case NotifUncertain:
		return "Esito incerto"
	}
	return s
}

// NotificationRow is a notification in the administrators' list: no body.
type NotificationRow struct {
	ID             int64
	Kind           string
	Optional       bool
	RecipientName  string
	RecipientEmail string
	Subject        string
	Status         string
	Attempts       int
	NextAttemptAt  *time.Time // nil: as soon as possible
	LastError      string
	CreatedAt      time.Time
	SentAt         *time.Time
}
