// Package password hashes and checks passwords with argon2id. It is apart
// from package auth so that what only needs roles and users (the view layer,
// the read model) does not link the hashing code.
package password

import (
	"crypto/rand"
	"fmt"

	"github.com/alexedwards/argon2id"

	"github.com/piao-performance/piao/internal/auth"
)

// HashMemory is the memory one password hash or check uses (argon2id's m).
const HashMemory = 64 << 20

// params are argon2id's cost settings (RFC 9106 second recommendation, lighter
// on memory: 64 MiB, 1 pass, 2 lanes).
var params = argon2id.Params{Memory: HashMemory >> 10, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// Hash returns the argon2id hash of pw (PHC string format).
func Hash(pw string) (string, error) {
	if err := auth.ValidPassword(pw); err != nil {
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

// Check reports whether pw matches hash. An empty hash (an account
// without a password) never matches, and costs the same time.
func Check(pw, hash string) bool {
	if hash == "" || len(pw) > auth.MaxPassword {
		_, _ = argon2id.ComparePasswordAndHash(pw, dummyHash)
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// Generate returns a random 20-character password from an
// unambiguous alphabet, for accounts whose first password is handed over.
func Generate() (string, error) {
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
