package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/server"
	"github.com/piao-performance/piao/internal/store"
)

// provider is a small in-process OpenID Connect provider: discovery, keys,
// an authorization endpoint that signs in whoever is set in email, and a
// token endpoint issuing RS256 ID tokens.
type provider struct {
	srv   *httptest.Server
	key   *rsa.PrivateKey
	mu    sync.Mutex
	email string            // identity the next authorization grants
	sub   string            // its subject; "" = "sub-" + email
	codes map[string]string // code → nonce
}

func newProvider(t *testing.T) *provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{key: key, codes: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		base := p.srv.URL
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": base, "authorization_endpoint": base + "/auth", "token_endpoint": base + "/token",
			"jwks_uri": base + "/jwks", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /auth", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		code := "code-" + q.Get("state")[:8]
		p.mu.Lock()
		p.codes[code] = q.Get("nonce")
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		p.mu.Lock()
		nonce, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		email, sub := p.email, p.sub
		p.mu.Unlock()
		if sub == "" {
			sub = "sub-" + email
		}
		if !ok {
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}},
			(&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		now := time.Now()
		idToken, err := jwt.Signed(signer).Claims(jwt.Claims{Issuer: p.srv.URL, Subject: sub, Audience: jwt.Audience{"piao"},
			IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(5 * time.Minute))}).
			Claims(map[string]any{"email": email, "nonce": nonce}).Serialize()
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func TestSingleSignOnWithOpenIDConnect(t *testing.T) {
	t.Parallel()
	prov := newProvider(t)
	_, pool, _ := authApp(t)
	if err := setEmail(pool, "oiv", "Valutatore@Ente.example"); err != nil {
		t.Fatal(err)
	}
	// the app needs its own URL for the redirect: start it, then build the handler
	var app http.Handler
	appSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { app.ServeHTTP(w, r) }))
	defer appSrv.Close()
	o, err := server.NewOIDC(context.Background(), server.OIDCConfig{Issuer: prov.srv.URL, ClientID: "piao", ClientSecret: "test-secret",
		RedirectURL: appSrv.URL + "/accedi/sso/callback", Claim: "email"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sessions, stop := server.NewSessions(pool, server.SessionOptions{})
	t.Cleanup(stop)
	app = server.New(store.New(pool), sessions, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{OIDC: o})

	// follow the dance by hand: app → provider → app callback
	flow := func(email string) (*http.Client, *http.Response) {
		t.Helper()
		prov.mu.Lock()
		prov.email = email
		prov.mu.Unlock()
		c := client(t)
		res, _ := fetch(t, c, appSrv.URL+"/accedi/sso")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), prov.srv.URL+"/auth") {
			t.Fatalf("sso start: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		res, _ = fetch(t, c, res.Header.Get("Location"))
		if res.StatusCode != http.StatusFound {
			t.Fatalf("provider: %d", res.StatusCode)
		}
		res, _ = fetch(t, c, res.Header.Get("Location"))
		return c, res
	}
	// the e-mail claim (any case) maps to the existing oiv account
	c, res := flow("valutatore@ente.example")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != refPlan+"/oiv" {
		t.Fatalf("callback: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := fetch(t, c, appSrv.URL+"/area-riservata")
	if res.StatusCode != 200 || !strings.Contains(body, "OIV") {
		t.Fatalf("after SSO: %d", res.StatusCode)
	}
	// an identity with no account: neutral refusal, nothing created
	_, res = flow("sconosciuto@ente.example")
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown identity: %d", res.StatusCode)
	}
	// an anonymous start of single sign-on writes no session row: state and
	// nonce travel in a short cookie
	var sessionsBefore int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions`).Scan(&sessionsBefore); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		fetch(t, client(t), appSrv.URL+"/accedi/sso?next=/area-riservata")
	}
	var sessionsAfter int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions`).Scan(&sessionsAfter); err != nil || sessionsAfter != sessionsBefore {
		t.Fatalf("anonymous SSO starts wrote %d session rows (%v)", sessionsAfter-sessionsBefore, err)
	}
	// the identity is now bound to the oiv account: another ente's account
	// given the same e-mail later cannot capture the person's sign-in
	if err := setEmail(pool, "oiv", ""); err != nil {
		t.Fatal(err)
	}
	if err := setEmail(pool, "admin-altro-ente", "valutatore@ente.example"); err != nil {
		t.Fatal(err)
	}
	c, res = flow("valutatore@ente.example")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != refPlan+"/oiv" {
		t.Fatalf("bound identity: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := fetch(t, c, appSrv.URL+"/area-riservata"); !strings.Contains(body, "Utente oiv") {
		t.Fatal("the bound identity signed in to another account")
	}
	// a different identity with the claim of an account bound to another one is refused
	prov.mu.Lock()
	prov.sub = "un-altro-soggetto"
	prov.mu.Unlock()
	if err := setEmail(pool, "admin-altro-ente", ""); err != nil {
		t.Fatal(err)
	}
	if err := setEmail(pool, "oiv", "valutatore@ente.example"); err != nil {
		t.Fatal(err)
	}
	_, res = flow("valutatore@ente.example")
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("another identity for a bound account: %d", res.StatusCode)
	}
	prov.mu.Lock()
	prov.sub = ""
	prov.mu.Unlock()
	// a callback with a forged state is refused
	res, _ = fetch(t, client(t), appSrv.URL+"/accedi/sso/callback?code=x&state=forged")
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged state: %d", res.StatusCode)
	}
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM users`).Scan(&n); err != nil || n != 7 {
		t.Fatalf("SSO must not create accounts: %d users", n)
	}
}

func setEmail(pool *pgxpool.Pool, user, email string) error {
	_, err := pool.Exec(context.Background(), `UPDATE users SET email = $2 WHERE username = $1`, user, email)
	return err
}

// TestEmailOfAnotherEnteRefused: an administrator cannot give an account the
// e-mail of another ente's account (it would match that person's single
// sign-on): the message is next to the e-mail field, the form keeps its data.
func TestEmailOfAnotherEnteRefused(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	if err := setEmail(pool, "oiv", "Valutatore@Ente.example"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	defer srv.Close()
	c := client(t)
	signIn(t, c, srv.URL, "admin-altro-ente", testPassword)
	res, err := c.PostForm(srv.URL+"/amministrazione/cciaa-chieti-pescara/utenti", url.Values{"username": {"cattura"},
		"nome": {"Cattura"}, "email": {"valutatore@ente.example"}, "profilo": {"lettore"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	body := string(b)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "già usato da un altro account") ||
		!strings.Contains(body, `value="cattura"`) {
		t.Fatalf("e-mail of another ente: %d", res.StatusCode)
	}
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM users WHERE username = 'cattura'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("account created anyway: %d %v", n, err)
	}
}
