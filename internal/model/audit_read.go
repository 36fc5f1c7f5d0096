package model

import "time"

// AuditRow is an audit event as listed and exported.
type AuditRow struct {
	ID         int64
	Seq        *int64 // nil until sealed into the chain
	At         time.Time
	Actor      string
	Action     string
	ObjectType string
	ObjectKey  string
	Reason     string
	Detail     string // the JSON detail (before/after values)
	Hash       string // hex, "" until sealed
}
