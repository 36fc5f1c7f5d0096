// Package testfix builds the fixtures that tests across packages share: a
// fresh database (package testdb) with the reference plan loaded, optionally
// with the demo's sample actuals. One place, so a change to loading is made
// once and every test set-up reads the same.
package testfix

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
)

// The reference plan's ente and plan slugs.
const (
	Ente = "cciaa-gran-sasso"
	Plan = "piao-2023-2025"
)

// Ref is a fresh database with the reference plan loaded.
type Ref struct {
	Pool  *pgxpool.Pool // as the application role
	Store *store.Store
	Plan  model.PlanHeader
	Doc   *plan.Document // the document that was loaded
}

// Option changes what Reference sets up.
type Option func(*options)

type options struct {
	pool    *pgxpool.Pool
	store   []store.Option
	samples bool
}

// OnPool loads into pool instead of a new database (e.g. one of testdb.Pools).
func OnPool(pool *pgxpool.Pool) Option { return func(o *options) { o.pool = pool } }

// WithStore passes options to store.New.
func WithStore(opts ...store.Option) Option {
	return func(o *options) { o.store = append(o.store, opts...) }
}

// WithSampleActuals also imports the demo's sample actuals (approved, their
// periods closed, labelled as demo data), as `piao demo --with-sample-actuals`.
func WithSampleActuals() Option { return func(o *options) { o.samples = true } }

// Reference returns a fresh database with the reference plan loaded.
func Reference(t testing.TB, opts ...Option) Ref {
	t.Helper()
	var o options
	for _, f := range opts {
		f(&o)
	}
	ctx := context.Background()
	var st *store.Store
	doc := ReferenceDoc(t)
	if o.pool == nil {
		// the common case: a clone of a template that holds the plan
		o.pool = testdb.PoolFrom(t, refSeeder{samples: o.samples})
		st = store.New(o.pool, o.store...)
	} else {
		st = store.New(o.pool, o.store...)
		if err := loadReference(ctx, st, doc, o.samples); err != nil {
			t.Fatal(err)
		}
	}
	h, err := st.PlanHeader(ctx, Ente, Plan)
	if err != nil {
		t.Fatalf("reference plan header: %v", err)
	}
	return Ref{Pool: o.pool, Store: st, Plan: h, Doc: doc}
}

// loadReference loads doc (the reference plan) with st as the test actor,
// and the demo's sample actuals when samples is set.
func loadReference(ctx context.Context, st *store.Store, doc *plan.Document, samples bool) error {
	if _, err := st.LoadPlan(ctx, doc, store.LoadOptions{Actor: "test"}); err != nil {
		return fmt.Errorf("load the reference plan: %w", err)
	}
	if !samples {
		return nil
	}
	rows, err := seed.SampleActuals(doc)
	if err != nil {
		return fmt.Errorf("sample actuals: %w", err)
	}
	if _, err := st.ImportMeasurements(ctx, doc.Ente.Slug, doc.Plan.Slug, rows, store.ImportOptions{
		Actor: seed.SampleActor, Status: "approved", ClosePeriods: true, Demo: true}); err != nil {
		return fmt.Errorf("import sample actuals: %w", err)
	}
	return nil
}

// refSeeder writes the reference plan (and the sample actuals) into the
// template the tests of Reference clone.
type refSeeder struct{ samples bool }

// binaryHash is the hash of the running test binary: it covers the loading
// code and the embedded plan, so a change to either makes a new template.
var binaryHash = sync.OnceValues(func() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("test binary: %w", err)
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", fmt.Errorf("test binary: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash the test binary: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
})

func (r refSeeder) Key() (string, error) {
	h, err := binaryHash()
	return fmt.Sprintf("reference samples=%t binary=%s", r.samples, h), err
}

func (r refSeeder) Seed(ctx context.Context, url string) error {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer pool.Close()
	doc, err := seed.Reference()
	if err != nil {
		return fmt.Errorf("reference plan: %w", err)
	}
	return loadReference(ctx, store.New(pool), doc, r.samples)
}

// ReferenceDoc returns the reference plan document (a fresh copy each call).
func ReferenceDoc(t testing.TB) *plan.Document {
	t.Helper()
	doc, err := seed.Reference()
	if err != nil {
		t.Fatalf("reference plan: %v", err)
	}
	return doc
}

// Load loads doc with st as the test actor and returns it.
func Load(t testing.TB, st *store.Store, doc *plan.Document) *plan.Document {
	t.Helper()
	if _, err := st.LoadPlan(context.Background(), doc, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatalf("load plan %s/%s: %v", doc.Ente.Slug, doc.Plan.Slug, err)
	}
	return doc
}

// ExportJSON is the reference plan as `piao export` writes it.
func ExportJSON(t testing.TB, st *store.Store) []byte {
	t.Helper()
	doc, err := st.ExportPlan(context.Background(), Ente, Plan)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return MarshalDoc(t, doc)
}

// MarshalDoc encodes a plan document as `piao export` does.
func MarshalDoc(t testing.TB, doc *plan.Document) []byte {
	t.Helper()
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatalf("encode plan: %v", err)
	}
	return append(b, '\n')
}

// SameBytes fails t with the first line where got and want differ.
func SameBytes(t testing.TB, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s differ at line %d:\n got: %s\nwant: %s", what, i+1, gl, wl)
		}
	}
	t.Fatalf("%s differ", what)
}
