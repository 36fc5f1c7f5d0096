package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// OIDCConfig configures single sign-on with an ente's OpenID Connect provider.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // this application's /accedi/sso/callback, as registered with the provider
	Claim        string // the ID-token claim matched against usernames and e-mails, e.g. "email"
}

// OIDC is a configured provider.
type OIDC struct {
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
	claim    string
	client   *http.Client
}

// NewOIDC discovers the provider's endpoints and keys.
func NewOIDC(ctx context.Context, cfg OIDCConfig, client *http.Client) (*OIDC, error) {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	ctx = oidc.ClientContext(ctx, client)
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("OIDC provider %s: %w", cfg.Issuer, err)
	}
	return &OIDC{
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"}},
		claim:  cfg.Claim,
		client: client,
	}, nil
}

func randomToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ssoCookie carries the state, nonce and return address of a single sign-on
// in progress. It lives in a short cookie, not in a session: sessions are
// created at sign-in only, so anonymous requests never write a session row.
const ssoCookie = "piao_sso"

// ssoStart sends the browser to the provider with a fresh state and nonce.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) error {
	if s.oidc == nil {
		return errNotFound
	}
	state, err := randomToken()
	if err != nil {
		return err
	}
	nonce, err := randomToken()
	if err != nil {
		return err
	}
	next := base64.RawURLEncoding.EncodeToString([]byte(safeNext(r.URL.Query().Get("next"))))
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: state + "." + nonce + "." + next, Path: string(templates.SSOURL()),
		MaxAge: 600, HttpOnly: true, Secure: s.sessions.Cookie.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, s.oidc.oauth.AuthCodeURL(state, oidc.Nonce(nonce)), http.StatusSeeOther)
	return nil
}

// ssoState reads and forgets the cookie set by ssoStart.
func (s *Server) ssoState(w http.ResponseWriter, r *http.Request) (state, nonce, next string) {
	c, err := r.Cookie(ssoCookie)
	if err != nil {
		return "", "", ""
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: "", Path: string(templates.SSOURL()), MaxAge: -1, HttpOnly: true,
		Secure: s.sessions.Cookie.Secure, SameSite: http.SameSiteLaxMode})
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 {
		return "", "", ""
	}
	n, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "", "", ""
	}
	return parts[0], parts[1], safeNext(string(n)) // checked again: the cookie came back from the browser
}

// ssoCallback completes single sign-on: the ID token's identity must be
// bound to an active account, or its claim match exactly one not yet bound;
// nothing else is created or trusted.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	if s.oidc == nil {
		return errNotFound
	}
	ctx := r.Context()
	state, nonce, next := s.ssoState(w, r)
	refuse := func(why string, err error, msg string) error {
		// logged, not audited: anonymous failures must not flood the audit trail
		s.log.WarnContext(ctx, "single sign-on failed", "reason", why, "error", err, "address", s.clientAddress(r), "request_id", reqID(r))
		return s.page(w, r, http.StatusUnauthorized, templates.SignInPage(templates.SignInForm{SSO: true, Message: msg}))
	}
	fail := func(why string, err error) error {
		return refuse(why, err, "Accesso con l'identità dell'ente non riuscito, oppure nessun account attivo è collegato a questa identità.")
	}
	q := r.URL.Query()
	if state == "" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		return fail("state mismatch", nil)
	}
	if e := q.Get("error"); e != "" {
		return fail("provider error: "+itfmt.Truncate(e, 100), nil)
	}
	xctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, s.oidc.client), 15*time.Second)
	defer cancel()
	tok, err := s.oidc.oauth.Exchange(xctx, q.Get("code"))
	if err != nil {
		return fail("code exchange", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return fail("no id_token", nil)
	}
	idt, err := s.oidc.verifier.Verify(xctx, raw)
	if err != nil {
		return fail("id_token verification", err)
	}
	if idt.Nonce != nonce {
		return fail("nonce mismatch", nil)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return fail("claims", err)
	}
	value, _ := claims[s.oidc.claim].(string)
	if strings.TrimSpace(value) == "" || len(value) > 254 || idt.Subject == "" || len(idt.Subject) > 255 {
		return fail("claim "+s.oidc.claim+" or subject missing", nil)
	}
	u, err := s.store.UserBySSO(ctx, idt.Issuer, idt.Subject, value)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fail("no account for claim", nil)
	case errors.Is(err, store.ErrAmbiguousClaim), errors.Is(err, store.ErrIdentityMismatch):
		return refuse("identity matches no single unbound account", err, "Questa identità corrisponde a più account, "+
			"oppure l'account è già collegato a un'altra identità: rivolgiti all'amministratore dell'ente.")
	case err != nil:
		return err
	}
	if err := s.startSession(r, u, "oidc"); err != nil {
		return err
	}
	if next == "" {
		next = s.homeFor(r, &u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
