package model

import (
	"time"

	"github.com/piao-performance/piao/internal/auth"
)

// UserRow is an account in a list.
type UserRow struct {
	ID          int64
	Ente        string
	Username    string
	DisplayName string
	Email       string
	Role        auth.Role
	Position    string
	Active      bool
	LastSignIn  *time.Time
	Version     int        // every change of the account adds 1 (the admin forms carry it)
	LockedUntil *time.Time // end of the longest current sign-in lock, from any address
}
