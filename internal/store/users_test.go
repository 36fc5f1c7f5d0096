package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

func TestCreateUser(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t)
	st, ctx := ref.Store, context.Background()
	if err := st.CreateEnte(ctx, testfixEnte("altro-ente"), "admin"); err != nil {
		t.Fatal(err)
	}
	ok := store.NewUser{Ente: testfix.Ente, Username: "dir.promozione", DisplayName: "  Dirigente Promozione ", Email: " dir@example.it ",
		Role: auth.Dirigente, Position: "dir-prm", PasswordHash: "$argon2id$test-1"}
	id, err := st.CreateUser(ctx, ok, "admin")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("created and readable for sign-in", func(t *testing.T) {
		u, hash, err := st.Credentials(ctx, "dir.promozione")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != id || hash != "$argon2id$test-1" || u.DisplayName != "Dirigente Promozione" || u.Email != "dir@example.it" ||
			u.Role != auth.Dirigente || u.PositionKey != "dir-prm" || u.PositionID == 0 || u.EnteSlug != testfix.Ente || u.EnteID != ref.Plan.EnteID {
			t.Errorf("%+v", u)
		}
		ev := lastAudit(t, st, "user.create")
		if ev.Actor != "admin" || ev.ObjectKey != "dir.promozione" || strings.Contains(ev.Detail, "$argon2id$test-1") ||
			!strings.Contains(ev.Detail, `"password": true`) {
			t.Errorf("audit %+v", ev)
		}
	})
	if _, err := st.CreateUser(ctx, store.NewUser{Username: "root", DisplayName: "Amministratore globale", Role: auth.Admin}, "admin"); err != nil {
		t.Fatalf("global administrator: %v", err)
	}
	cases := []struct {
		name string
		n    store.NewUser
		want error  // errors.Is target, or nil for any error
		msg  string // part of the message
	}{
		{"username taken", store.NewUser{Ente: testfix.Ente, Username: "dir.promozione", DisplayName: "X", Role: auth.Segretario}, store.ErrUserExists, ""},
		{"e-mail taken, any case, any ente", store.NewUser{Ente: "altro-ente", Username: "altro", DisplayName: "X", Email: "DIR@example.it", Role: auth.OIV}, store.ErrEmailTaken, ""},
		{"bad username", store.NewUser{Ente: testfix.Ente, Username: "Maiuscolo", DisplayName: "X", Role: auth.OIV}, nil, "nome utente"},
		{"unknown role", store.NewUser{Ente: testfix.Ente, Username: "ruolo.x", DisplayName: "X", Role: "capo"}, store.ErrUnknownRole, ""},
		{"empty display name", store.NewUser{Ente: testfix.Ente, Username: "senza.nome", DisplayName: "   ", Role: auth.OIV}, store.ErrDisplayName, ""},
		{"display name too long", store.NewUser{Ente: testfix.Ente, Username: "nome.lungo", DisplayName: strings.Repeat("à", 201), Role: auth.OIV}, store.ErrDisplayName, ""},
		{"no ente for a non-administrator", store.NewUser{Username: "oiv.globale", DisplayName: "X", Role: auth.OIV}, store.ErrEnteRequired, ""},
		{"dirigente without a position", store.NewUser{Ente: testfix.Ente, Username: "dir.x", DisplayName: "X", Role: auth.Dirigente}, store.ErrPositionMismatch, ""},
		{"position for an OIV", store.NewUser{Ente: testfix.Ente, Username: "oiv.x", DisplayName: "X", Role: auth.OIV, Position: "sg"}, store.ErrPositionMismatch, ""},
		{"unknown ente", store.NewUser{Ente: "nessuno", Username: "tizio", DisplayName: "X", Role: auth.OIV}, store.ErrUnknownEnte, ""},
		{"position of another ente", store.NewUser{Ente: "altro-ente", Username: "ref.x", DisplayName: "X", Role: auth.Referente, Position: "dir-prm"}, store.ErrUnknownPosition, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(auditRows(t, st, store.AuditFilter{Action: "user.create"}))
			_, err := st.CreateUser(ctx, c.n, "admin")
			if err == nil || (c.want != nil && !errors.Is(err, c.want)) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("err %v", err)
			}
			taken := errors.Is(c.want, store.ErrUserExists) || errors.Is(c.want, store.ErrEmailTaken)
			if _, _, err := st.Credentials(ctx, c.n.Username); !taken && !errors.Is(err, store.ErrNotFound) {
				t.Errorf("refused account exists: %v", err)
			}
			if after := len(auditRows(t, st, store.AuditFilter{Action: "user.create"})); after != before {
				t.Error("a refused account was audited")
			}
		})
	}
}

func TestUserAccounts(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t)
	st, ctx := ref.Store, context.Background()
	addUser(t, st, "admin", auth.Admin, "")
	addUser(t, st, "admin.due", auth.Admin, "")
	addUser(t, st, "segretario", auth.Segretario, "")
	addUser(t, st, "referente.promozione", auth.Referente, "dir-prm")
	if _, err := st.CreateUser(ctx, store.NewUser{Username: "root", DisplayName: "Globale", Role: auth.Admin}, "test"); err != nil {
		t.Fatal(err)
	}
	creds := func(t *testing.T, username string) (int64, int, string) {
		t.Helper()
		u, hash, err := st.Credentials(ctx, username)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID, u.Epoch, hash
	}
	version := func(t *testing.T, username string) int {
		t.Helper()
		us, err := st.ListUsers(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			if u.Username == username {
				return u.Version
			}
		}
		t.Fatalf("no %s", username)
		return 0
	}

	t.Run("list by ente, global accounts first", func(t *testing.T) {
		us, err := st.ListUsers(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range us {
			names = append(names, u.Username)
		}
		if got := strings.Join(names, ","); got != "root,admin,admin.due,referente.promozione,segretario" {
			t.Errorf("every account: %s", got)
		}
		us, err = st.ListUsers(ctx, testfix.Ente)
		if err != nil || len(us) != 4 {
			t.Fatalf("%d accounts of the ente, %v", len(us), err)
		}
		r := us[2]
		if r.Username != "referente.promozione" || r.Position != "dir-prm" || r.Role != auth.Referente || !r.Active ||
			r.Ente != testfix.Ente || r.LastSignIn != nil || r.LockedUntil != nil {
			t.Errorf("%+v", r)
		}
		if us, err := st.ListUsers(ctx, "nessuno"); err != nil || len(us) != 0 {
			t.Errorf("unknown ente: %v %v", us, err)
		}
	})
	t.Run("set password: new hash, other sessions end", func(t *testing.T) {
		_, epoch, _ := creds(t, "segretario")
		v := version(t, "segretario")
		if err := st.SetPassword(ctx, "segretario", "$argon2id$test-2", "admin"); err != nil {
			t.Fatal(err)
		}
		_, epoch2, hash := creds(t, "segretario")
		if hash != "$argon2id$test-2" || epoch2 != epoch+1 || version(t, "segretario") != v+1 {
			t.Errorf("hash %q epoch %d->%d", hash, epoch, epoch2)
		}
		if ev := lastAudit(t, st, "user.password"); ev.ObjectKey != "segretario" || ev.Actor != "admin" || strings.Contains(ev.Detail, "$argon2id$test-2") {
			t.Errorf("audit %+v", ev)
		}
		if err := st.SetPassword(ctx, "nessuno", "$argon2id$x", "admin"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown account: %v", err)
		}
	})
	t.Run("disable and enable", func(t *testing.T) {
		id, _, _ := creds(t, "referente.promozione")
		if err := st.SetActive(ctx, "referente.promozione", false, "admin"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.Credentials(ctx, "referente.promozione"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a disabled account signs in: %v", err)
		}
		if _, err := st.ActiveUser(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a disabled account is active: %v", err)
		}
		if ev := lastAudit(t, st, "user.disable"); ev.ObjectKey != "referente.promozione" {
			t.Errorf("audit %+v", ev)
		}
		if err := st.SetActive(ctx, "referente.promozione", true, "admin"); err != nil {
			t.Fatal(err)
		}
		u, err := st.ActiveUser(ctx, id)
		if err != nil || u.Username != "referente.promozione" || u.PositionKey != "dir-prm" {
			t.Errorf("enabled again: %+v %v", u, err)
		}
		if ev := lastAudit(t, st, "user.enable"); ev.ObjectKey != "referente.promozione" {
			t.Errorf("audit %+v", ev)
		}
	})
	t.Run("from a stale form nothing changes", func(t *testing.T) {
		v := version(t, "segretario")
		if err := st.SetActiveFrom(ctx, "segretario", false, v-1, "admin"); !errors.Is(err, store.ErrUserChanged) {
			t.Fatalf("err %v, want ErrUserChanged", err)
		}
		if _, _, err := st.Credentials(ctx, "segretario"); err != nil {
			t.Errorf("disabled by a stale form: %v", err)
		}
		if err := st.SetActiveFrom(ctx, "segretario", false, v, "admin"); err != nil {
			t.Fatal(err)
		}
		if err := st.SetActiveFrom(ctx, "segretario", true, v+1, "admin"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("the last administrator of an ente stays", func(t *testing.T) {
		if err := st.SetActive(ctx, "admin.due", false, "admin"); err != nil {
			t.Fatal(err)
		}
		before := len(auditRows(t, st, store.AuditFilter{Action: "user.disable"}))
		if err := st.SetActive(ctx, "admin", false, "admin"); !errors.Is(err, store.ErrLastAdmin) {
			t.Fatalf("err %v, want ErrLastAdmin", err)
		}
		if _, _, err := st.Credentials(ctx, "admin"); err != nil {
			t.Errorf("the last administrator was disabled: %v", err)
		}
		if after := len(auditRows(t, st, store.AuditFilter{Action: "user.disable"})); after != before {
			t.Error("a refusal was audited")
		}
		if err := st.SetActive(ctx, "root", false, "admin"); err != nil {
			t.Errorf("a global administrator has no ente to keep: %v", err)
		}
	})
	t.Run("active user by id", func(t *testing.T) {
		if _, err := st.ActiveUser(ctx, -1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("err %v", err)
		}
	})
	t.Run("sign-in and sign-out are recorded", func(t *testing.T) {
		u, _, err := st.Credentials(ctx, "segretario")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.RecordSignIn(ctx, u, "192.0.2.1", "password"); err != nil {
			t.Fatal(err)
		}
		ev := lastAudit(t, st, "auth.sign_in")
		if ev.Actor != "segretario" || !strings.Contains(ev.Detail, "192.0.2.1") || !strings.Contains(ev.Detail, `"method": "password"`) {
			t.Errorf("audit %+v", ev)
		}
		us, err := st.ListUsers(ctx, testfix.Ente)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range us {
			if (r.Username == "segretario") != (r.LastSignIn != nil) {
				t.Errorf("%s last sign-in %v", r.Username, r.LastSignIn)
			}
		}
		if err := st.RecordSignOut(ctx, u, false); err != nil {
			t.Fatal(err)
		}
		if _, epoch, _ := creds(t, "segretario"); epoch != u.Epoch {
			t.Errorf("a plain sign-out ended other sessions: epoch %d -> %d", u.Epoch, epoch)
		}
		if err := st.RecordSignOut(ctx, u, true); err != nil {
			t.Fatal(err)
		}
		if _, epoch, _ := creds(t, "segretario"); epoch != u.Epoch+1 {
			t.Errorf("sign-out everywhere: epoch %d -> %d", u.Epoch, epoch)
		}
		if n := len(auditRows(t, st, store.AuditFilter{Action: "auth.sign_out", Actor: "segretario"})); n != 2 {
			t.Errorf("%d sign-out events, want 2", n)
		}
		if ev := lastAudit(t, st, "auth.sign_out"); ev.Action != "auth.sign_out_everywhere" {
			t.Errorf("last %s", ev.Action)
		}
	})
	t.Run("ente id and latest plan", func(t *testing.T) {
		id, err := st.EnteID(ctx, testfix.Ente)
		if err != nil || id != ref.Plan.EnteID {
			t.Errorf("ente id %d %v", id, err)
		}
		if _, err := st.EnteID(ctx, "nessuno"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown ente: %v", err)
		}
		e, p, err := st.LatestPlan(ctx, id)
		if err != nil || e != testfix.Ente || p != testfix.Plan {
			t.Errorf("latest plan %s/%s %v", e, p, err)
		}
		if err := st.CreateEnte(ctx, testfixEnte("senza-piani"), "admin"); err != nil {
			t.Fatal(err)
		}
		empty, err := st.EnteID(ctx, "senza-piani")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.LatestPlan(ctx, empty); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ente without plans: %v", err)
		}
	})
}

func TestUserBySSO(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t)
	st, ctx := ref.Store, context.Background()
	for _, n := range []store.NewUser{
		{Ente: testfix.Ente, Username: "segretario", DisplayName: "SG", Email: "sg@example.it", Role: auth.Segretario},
		{Ente: testfix.Ente, Username: "oiv", DisplayName: "OIV", Email: "segretario@example.it", Role: auth.OIV},
		{Ente: testfix.Ente, Username: "spento", DisplayName: "Spento", Email: "spento@example.it", Role: auth.OIV},
	} {
		if _, err := st.CreateUser(ctx, n, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetActive(ctx, "spento", false, "test"); err != nil {
		t.Fatal(err)
	}
	const iss = "https://idp.example.it"
	steps := []struct {
		name, subject, claim string
		user                 string
		err                  error
	}{
		{"a claim matching one account's e-mail binds it", "sub-sg", "SG@example.it", "segretario", nil},
		{"later sign-ins match by the identity, whatever the claim", "sub-sg", "altro", "segretario", nil},
		{"a username claim binds", "sub-oiv", "oiv", "oiv", nil},
		{"an account bound to another identity", "sub-nuovo", "segretario", "", store.ErrIdentityMismatch},
		{"nothing matches", "sub-x", "nessuno@example.it", "", store.ErrNotFound},
		{"a disabled account is not found", "sub-spento", "spento", "", store.ErrNotFound},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			u, err := st.UserBySSO(ctx, iss, s.subject, s.claim)
			if s.err != nil {
				if !errors.Is(err, s.err) {
					t.Errorf("err %v, want %v", err, s.err)
				}
				return
			}
			if err != nil || u.Username != s.user {
				t.Errorf("user %q, %v; want %s", u.Username, err, s.user)
			}
		})
	}
	t.Run("binding is audited once per account", func(t *testing.T) {
		ev := auditRows(t, st, store.AuditFilter{Action: "auth.sso_bind"})
		if len(ev) != 2 || ev[1].ObjectKey != "segretario" || ev[0].ObjectKey != "oiv" || !strings.Contains(ev[1].Detail, "sub-sg") {
			t.Errorf("%+v", ev)
		}
	})
	// ErrAmbiguousClaim cannot happen with the schema's rules: usernames
	// have no "@", e-mails must, and e-mails are unique.
	t.Run("a bound account that was disabled is not found", func(t *testing.T) {
		if err := st.SetActive(ctx, "oiv", false, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UserBySSO(ctx, iss, "sub-oiv", "oiv"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("err %v, want ErrNotFound", err)
		}
	})
}
