// Package auth holds accounts' domain rules: access roles, password hashing
// with argon2id, and the authorization policy every handler calls. It does no
// I/O; the store persists accounts and the server enforces the policy.
package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
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

// HashMemory is the memory one password hash or check uses (argon2id's m).
const HashMemory = 64 << 20

// params are argon2id's cost settings (RFC 9106 second recommendation, lighter
// on memory: 64 MiB, 1 pass, 2 lanes).
var params = argon2id.Params{Memory: HashMemory >> 10, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// HashPassword returns the argon2id hash of pw (PHC string format).
func HashPassword(pw string) (string, error) {
	if err := ValidPassword(pw); err != nil {
		return "", err
	}
	p := params
	h, err := argon2id.CreateHash(pw, &p)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// dummyHash is compared against when the account does not exist, so that a
// wrong username takes as long as a wrong password (no account enumeration).
const dummyHash = "$argon2id$v=19$m=65536,t=1,p=2$ZeGIY3y7CAXrs6vIzCcuFQ$Yd5/731oVOsvBRRiC0WzDEQZG5+WOipM45ufHq/z9xU"

// CheckPassword reports whether pw matches hash. An empty hash (an account
// without a password) never matches, and costs the same time.
func CheckPassword(pw, hash string) bool {
	if hash == "" || len(pw) > MaxPassword {
		_, _ = argon2id.ComparePasswordAndHash(pw, dummyHash)
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
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

// GeneratePassword returns a random 20-character password from an
// unambiguous alphabet, for accounts whose first password is handed over.
func GeneratePassword() (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random password: %w", err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b), nil
}
