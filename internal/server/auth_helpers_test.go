package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/store"
)

const testPassword = "password-di-prova-lunga"

// testHash is testPassword's argon2id hash with light cost parameters (1 MiB
// instead of the 64 MiB of package password): signing in still runs the real
// argon2id check, and the suite does not spend two thirds of its time
// hashing. The production parameters are tested in package password.
func testHash(t testing.TB) string {
	t.Helper()
	h, err := argon2id.CreateHash(testPassword, &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// addUser creates an account of the reference ente (or of ente, when given).
func addUser(t *testing.T, pool *pgxpool.Pool, username string, role auth.Role, position string, ente ...string) {
	t.Helper()
	hash := testHash(t)
	e := "cciaa-gran-sasso"
	if len(ente) > 0 {
		e = ente[0]
	}
	if _, err := store.New(pool).CreateUser(context.Background(), store.NewUser{Ente: e, Username: username,
		DisplayName: "Utente " + username, Role: role, Position: position, PasswordHash: hash}, "test"); err != nil {
		t.Fatal(err)
	}
}

// addUserAs creates an account of the reference ente with a display name.
func addUserAs(t *testing.T, pool *pgxpool.Pool, username, name string, role auth.Role, position string) {
	t.Helper()
	hash := testHash(t)
	if _, err := store.New(pool).CreateUser(context.Background(), store.NewUser{Ente: "cciaa-gran-sasso", Username: username,
		DisplayName: name, Role: role, Position: position, PasswordHash: hash}, "test"); err != nil {
		t.Fatal(err)
	}
}

// client is a browser-like HTTP client with a cookie jar that does not follow redirects.
func client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn posts the sign-in form and returns the response (a 303 on success).
func signIn(t *testing.T, c *http.Client, base, username, password string) *http.Response {
	t.Helper()
	res, err := c.PostForm(base+"/accedi", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func fetch(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("missing %q", w)
		}
	}
}
