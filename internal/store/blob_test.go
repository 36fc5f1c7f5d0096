package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

// errWriter fails every write.
type errWriter struct{}

var errWrite = errors.New("client gone")

func (errWriter) Write([]byte) (int, error) { return 0, errWrite }

// Both kinds of stored file share one fixture: the sample actuals close
// 2023, so that the OIV can decide on it; attachments go to an open period.
func TestStoredFiles(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	t.Run("attachments", func(t *testing.T) { testCopyAttachment(t, ref) })
	t.Run("OIV documents", func(t *testing.T) { testCopyValidationDocument(t, ref) })
}

func testCopyAttachment(t *testing.T, ref testfix.Ref) {
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	p := period(t, st, h, 2024, "final")
	files := map[string][]byte{
		"piccolo.txt": []byte("verbale di verifica"),
		"esatto.bin":  pattern(256 << 10),        // exactly one slice
		"grande.pdf":  pattern(2*(256<<10) + 17), // three slices, the last short
	}
	var in []store.NewAttachment
	for _, name := range []string{"piccolo.txt", "esatto.bin", "grande.pdf"} {
		in = append(in, store.NewAttachment{Filename: name, ContentType: "application/pdf", Data: files[name]})
	}
	e := attach(t, st, h, p, "O.3.3.1/1", auth.User{Username: "referente.promozione", Role: auth.Referente}, in...)
	if len(e.Attachments) != 3 {
		t.Fatalf("%d attachments", len(e.Attachments))
	}
	for _, a := range e.Attachments {
		t.Run(a.Filename, func(t *testing.T) {
			if a.Size != len(files[a.Filename]) || a.UploadedBy != "referente.promozione" {
				t.Errorf("attachment %+v", a)
			}
			var buf bytes.Buffer
			if err := st.CopyAttachment(ctx, &buf, a); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), files[a.Filename]) {
				t.Errorf("copied %d bytes, not the %d stored", buf.Len(), len(files[a.Filename]))
			}
		})
	}
	t.Run("unknown attachment", func(t *testing.T) {
		var buf bytes.Buffer
		err := st.CopyAttachment(ctx, &buf, model.Attachment{ID: -1, Size: 10})
		if !errors.Is(err, store.ErrNotFound) || buf.Len() != 0 {
			t.Errorf("err %v, %d bytes written", err, buf.Len())
		}
	})
	t.Run("nothing to read for size 0", func(t *testing.T) {
		var buf bytes.Buffer
		if err := st.CopyAttachment(ctx, &buf, model.Attachment{ID: -1}); err != nil || buf.Len() != 0 {
			t.Errorf("err %v, %d bytes written", err, buf.Len())
		}
	})
	t.Run("a size beyond the stored content", func(t *testing.T) {
		a := e.Attachments[0]
		a.Size += 5
		var buf bytes.Buffer
		if err := st.CopyAttachment(ctx, &buf, a); err == nil {
			t.Error("no error for a short read")
		}
	})
	t.Run("a failing writer stops the copy", func(t *testing.T) {
		if err := st.CopyAttachment(ctx, errWriter{}, e.Attachments[2]); !errors.Is(err, errWrite) {
			t.Errorf("err %v, want the writer's", err)
		}
	})
}

func testCopyValidationDocument(t *testing.T, ref testfix.Ref) {
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	doc := pattern(300 << 10)
	if err := st.SetValidation(ctx, h, model.Validation{Year: 2023, Outcome: model.Validated, DecidedOn: romeToday(),
		DocumentName: "validazione.pdf", DocumentType: "application/pdf", Document: doc}, "", "oiv"); err != nil {
		t.Fatal(err)
	}
	v, err := st.ValidationDocument(ctx, h.ID, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if v.DocumentSize != int64(len(doc)) {
		t.Fatalf("document size %d, want %d", v.DocumentSize, len(doc))
	}
	var buf bytes.Buffer
	if err := st.CopyValidationDocument(ctx, &buf, h.ID, v); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), doc) {
		t.Errorf("copied %d bytes, not the %d stored", buf.Len(), len(doc))
	}
	t.Run("another plan's id finds nothing", func(t *testing.T) {
		var buf bytes.Buffer
		if err := st.CopyValidationDocument(ctx, &buf, h.ID+1, v); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("err %v, want ErrNotFound", err)
		}
	})
}

// romeToday is today's date in Rome, as a decision date.
func romeToday() time.Time {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		rome = time.UTC
	}
	y, m, d := time.Now().In(rome).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
