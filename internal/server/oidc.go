package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

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

// ssoStart sends the browser to the provider with a fresh state and nonce.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) {
	if s.oidc == nil {
		s.notFound(w, r)
		return
	}
	state, err := randomToken()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	nonce, err := randomToken()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ctx := r.Context()
	s.sessions.Put(ctx, "oidc_state", state)
	s.sessions.Put(ctx, "oidc_nonce", nonce)
	s.sessions.Put(ctx, "oidc_next", safeNext(r.URL.Query().Get("next")))
	http.Redirect(w, r, s.oidc.oauth.AuthCodeURL(state, oidc.Nonce(nonce)), http.StatusSeeOther)
}

// ssoCallback completes single sign-on: the ID token's claim must match an
// active account; nothing else is created or trusted.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	if s.oidc == nil {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	state := s.sessions.PopString(ctx, "oidc_state")
	nonce := s.sessions.PopString(ctx, "oidc_nonce")
	next := s.sessions.PopString(ctx, "oidc_next")
	fail := func(why string, err error) {
		s.log.WarnContext(ctx, "single sign-on failed", "reason", why, "error", err, "request_id", reqID(r))
		_ = s.store.RecordSignInFailure(ctx, "sso", clientAddress(r), why)
		s.render(w, r, http.StatusUnauthorized, templates.SignInPage(templates.SignInForm{SSO: true,
			Message: "Accesso con l'identità dell'ente non riuscito, oppure nessun account attivo è collegato a questa identità."}))
	}
	q := r.URL.Query()
	if state == "" || q.Get("state") != state {
		fail("state mismatch", nil)
		return
	}
	if e := q.Get("error"); e != "" {
		fail("provider error: "+truncateRunes(e, 100), nil)
		return
	}
	xctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, s.oidc.client), 15*time.Second)
	defer cancel()
	tok, err := s.oidc.oauth.Exchange(xctx, q.Get("code"))
	if err != nil {
		fail("code exchange", err)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		fail("no id_token", nil)
		return
	}
	idt, err := s.oidc.verifier.Verify(xctx, raw)
	if err != nil {
		fail("id_token verification", err)
		return
	}
	if idt.Nonce != nonce {
		fail("nonce mismatch", nil)
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		fail("claims", err)
		return
	}
	value, _ := claims[s.oidc.claim].(string)
	if strings.TrimSpace(value) == "" || len(value) > 254 {
		fail("claim "+s.oidc.claim+" missing", nil)
		return
	}
	u, err := s.store.UserByClaim(ctx, value)
	if errors.Is(err, store.ErrNotFound) {
		fail("no account for claim", nil)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.startSession(r, u, "oidc"); err != nil {
		s.serverError(w, r, err)
		return
	}
	if next == "" {
		next = s.homeFor(r, &u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
