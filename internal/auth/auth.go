// Package auth holds accounts' domain rules: access roles, password rules
// and the authorization policy every handler calls (hashing is in package
// password). It does no I/O; the store persists accounts and the server
// enforces the policy.
package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Role is a user's access role.
type Role string

// Access roles.
const (
	Admin      Role = "amministratore" // maintains plans and users; global when it has no ente
	Segretario Role = "segretario"     // Segretario Generale: reviews, approves, closes periods
	Dirigente  Role = "dirigente"      // enters and submits the actuals of the objectives of his position
	Referente  Role = "referente"      // staff of a dirigente: enters, cannot submit
	OIV        Role = "oiv"            // reads everything, changes nothing but its own observations
	Lettore    Role = "lettore"        // reads
)

// Roles lists every role, in display order.
var Roles = []Role{Admin, Segretario, Dirigente, Referente, OIV, Lettore}

// Label is the Italian name of the role.
func (r Role) Label() string {
	switch r {
	case Admin:
		return "Amministratore"
	case Segretario:
		return "Segretario Generale"
	case Dirigente:
		return "Dirigente"
	case Referente:
		return "Referente"
	case OIV:
		return "OIV"
	case Lettore:
		return "Lettore"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// User is a signed-in account as the policy sees it.
type User struct {
	ID          int64
	EnteID      int64 // 0: global administrator
	EnteSlug    string
	Username    string
	DisplayName string
	Email       string
	Role        Role
	PositionID  int64  // dirigente/referente: the manager position (roles.id) they report for
	PositionKey string // its key, e.g. "dir-prm"
	Epoch       int
}

// Name is how messages name the user: the display name, or the username
// when there is none.
func (u *User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// Global reports whether the user administers every ente.
func (u *User) Global() bool { return u != nil && u.Role == Admin && u.EnteID == 0 }

var usernameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}$`)

// ValidUsername checks a username: 2–63 lower-case letters, digits, '.', '_', '-'.
func ValidUsername(s string) error {
	if !usernameRe.MatchString(s) {
		return errors.New("il nome utente ha da 2 a 63 caratteri: lettere minuscole, cifre, punto, trattino, trattino basso")
	}
	return nil
}

// Password length limits: long enough to resist guessing, short enough that
// hashing an attacker's megabyte "password" costs nothing.
const (
	MinPassword = 12
	MaxPassword = 256
)

// ValidPassword checks a new password.
func ValidPassword(pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case !utf8.ValidString(pw):
		return errors.New("la password contiene caratteri non validi")
	case n < MinPassword:
		return fmt.Errorf("la password deve avere almeno %d caratteri", MinPassword)
	case len(pw) > MaxPassword:
		return fmt.Errorf("la password può avere al massimo %d byte", MaxPassword)
	case strings.TrimSpace(pw) == "":
		return errors.New("la password non può essere vuota")
	}
	return nil
}

type ctxKey struct{}

// WithUser returns a context carrying the signed-in user.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, ctxKey{}, u)
}

// FromContext returns the signed-in user, or nil for an anonymous request.
func FromContext(ctx context.Context) *User {
	u, _ := ctx.Value(ctxKey{}).(*User)
	return u
}
