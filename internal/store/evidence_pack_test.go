package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

func TestObjectiveEvidencePack(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	referente := auth.User{Username: "referente.promozione", Role: auth.Referente}
	p := period(t, st, h, 2024, "midyear")
	doc := []byte("verbale delle mediazioni")
	attach(t, st, h, p, "O.3.3.1/2", referente,
		store.NewAttachment{Filename: "verbale.pdf", ContentType: "application/pdf", Data: doc},
		store.NewAttachment{Filename: "foto.png", ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}})
	attach(t, st, h, p, "O.3.3.1/1", referente, store.NewAttachment{Filename: "elenco.pdf", ContentType: "application/pdf", Data: []byte("elenco")})

	t.Run("measurements of O.3.3.1 in indicator then period order", func(t *testing.T) {
		ms, err := st.ObjectiveMeasurements(ctx, h, "O.3.3.1")
		if err != nil {
			t.Fatal(err)
		}
		// sample actuals: 5 at 2023 midyear and 9 at year end; 2 new drafts in 2024
		if len(ms) != 16 {
			t.Fatalf("%d measurements, want 16", len(ms))
		}
		type row struct {
			ind    string
			year   int
			kind   string
			status string
			demo   bool
		}
		want := []row{
			{"O.3.3.1/1", 2023, "midyear", "approved", true},
			{"O.3.3.1/1", 2023, "final", "approved", true},
			{"O.3.3.1/1", 2024, "midyear", "draft", false},
			{"O.3.3.1/2", 2023, "final", "approved", true},
			{"O.3.3.1/2", 2024, "midyear", "draft", false},
			{"O.3.3.1/3", 2023, "midyear", "approved", true},
		}
		for i, w := range want {
			m := ms[i]
			if got := (row{m.Indicator, m.Year, m.Kind, m.Status, m.Demo}); got != w {
				t.Errorf("row %d: %+v, want %+v", i, got, w)
			}
		}
		if m := ms[2]; m.Author != "referente.promozione" || m.Value == nil || *m.Value != 1 {
			t.Errorf("the 2024 draft: %+v", m)
		}
		for _, m := range ms {
			if m.Indicator[:8] != "O.3.3.1/" {
				t.Errorf("measurement of %s", m.Indicator)
			}
		}
	})
	t.Run("evidence of O.3.3.1", func(t *testing.T) {
		fs, err := st.ObjectiveEvidence(ctx, h, "O.3.3.1")
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			ind, name, ctype string
			size, year       int
			kind             string
		}
		want := []row{
			{"O.3.3.1/1", "elenco.pdf", "application/pdf", 6, 2024, "midyear"},
			{"O.3.3.1/2", "verbale.pdf", "application/pdf", len(doc), 2024, "midyear"},
			{"O.3.3.1/2", "foto.png", "image/png", 4, 2024, "midyear"},
		}
		if len(fs) != len(want) {
			t.Fatalf("%d files, want %d: %+v", len(fs), len(want), fs)
		}
		for i, w := range want {
			f := fs[i]
			if got := (row{f.Indicator, f.Filename, f.ContentType, f.Size, f.Year, f.Kind}); got != w {
				t.Errorf("file %d: %+v, want %+v", i, got, w)
			}
			if f.UploadedBy != "referente.promozione" || f.ID == 0 {
				t.Errorf("file %d: %+v", i, f)
			}
		}
		sum := sha256.Sum256(doc)
		if fs[1].SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("sha256 %s", fs[1].SHA256)
		}
	})
	for _, c := range []struct {
		name, code string
		ms, files  int
	}{
		{"an objective with sample actuals and no files", "1.1", 3, 0},
		{"PO.2.1: four measured of fifteen indicators", "PO.2.1", 4, 0},
		{"unknown objective", "X.9", 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ms, err := st.ObjectiveMeasurements(ctx, h, c.code)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := st.ObjectiveEvidence(ctx, h, c.code)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != c.ms || len(fs) != c.files {
				t.Errorf("%d measurements and %d files, want %d and %d", len(ms), len(fs), c.ms, c.files)
			}
		})
	}
}
