package store_test

import (
	"context"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
)

// period returns a period of the plan, failing t when it is missing.
func period(t *testing.T, st *store.Store, h model.PlanHeader, year int, kind string) model.Period {
	t.Helper()
	p, err := st.Period(context.Background(), h.ID, year, kind)
	if err != nil {
		t.Fatalf("period %d %s: %v", year, kind, err)
	}
	return p
}

// enter saves a value for an indicator in an open period, submitting it when
// submit is set, and returns the entry.
func enter(t *testing.T, st *store.Store, h model.PlanHeader, p model.Period, key string, v float64, submit bool, by auth.User) model.Entry {
	t.Helper()
	ctx := context.Background()
	ind, err := st.EntryIndicator(ctx, h, key, p.Year)
	if err != nil {
		t.Fatalf("indicator %s: %v", key, err)
	}
	e, err := st.SaveEntry(ctx, h, store.EntryInput{Indicator: ind, Period: p, Value: &v, Submit: submit}, by)
	if err != nil {
		t.Fatalf("save %s: %v", key, err)
	}
	return e
}

// addUser creates an account of the reference ente.
func addUser(t *testing.T, st *store.Store, username string, role auth.Role, position string) {
	t.Helper()
	if _, err := st.CreateUser(context.Background(), store.NewUser{Ente: "cciaa-gran-sasso", Username: username,
		DisplayName: "Utente " + username, Role: role, Position: position}, "test"); err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
}

// attach saves a value with files for an indicator in an open period.
func attach(t *testing.T, st *store.Store, h model.PlanHeader, p model.Period, key string, by auth.User, files ...store.NewAttachment) model.Entry {
	t.Helper()
	ctx := context.Background()
	ind, err := st.EntryIndicator(ctx, h, key, p.Year)
	if err != nil {
		t.Fatalf("indicator %s: %v", key, err)
	}
	cur, err := st.Entry(ctx, ind.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	v := 1.0
	if _, err := st.SaveEntry(ctx, h, store.EntryInput{Indicator: ind, Period: p, Value: &v, Version: cur.Version, Attachments: files}, by); err != nil {
		t.Fatalf("save %s: %v", key, err)
	}
	e, err := st.Entry(ctx, ind.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// pattern is n bytes that differ from one 256 KiB slice to the next.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/(256<<10))
	}
	return b
}
