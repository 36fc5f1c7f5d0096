package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

// TestRelazioneDraftStore: a draft is created once, edited and regenerated
// only from its current version and while a bozza, sent to the OIV (then
// read-only), frozen by the OIV's validation and given back by its
// withdrawal; one audit event per write.
func TestRelazioneDraftStore(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	para := func(s string) []model.DraftParagraph {
		return []model.DraftParagraph{{Sentences: []model.DraftSentence{{Text: s, Sources: []model.DraftSource{{Table: "sintesi", Rows: []string{"Ente"}}}}}}}
	}
	secs := []model.DraftSection{{Key: "sintesi", Generated: para("Primo testo.")}, {Key: "contesto-risorse", Free: true}}
	if _, err := st.RelazioneDraft(ctx, h.ID, 2023); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("before: %v", err)
	}
	if err := st.CreateRelazioneDraft(ctx, h, 2023, secs, "segretario"); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateRelazioneDraft(ctx, h, 2023, secs, "segretario"); !errors.Is(err, store.ErrRelazioneDraftExists) {
		t.Fatalf("second create: %v", err)
	}
	d, err := st.RelazioneDraft(ctx, h.ID, 2023)
	if err != nil || d.Status != model.DraftBozza || d.Version != 1 || len(d.Sections) != 2 || d.Sections[0].Text() != "Primo testo." ||
		d.Sections[0].Generated[0].Sentences[0].Sources[0].Rows[0] != "Ente" || !d.Sections[1].Free || d.Sections[1].Edited != nil {
		t.Fatalf("draft %+v %v", d, err)
	}
	edited := "Testo del Segretario."
	if err := st.SaveDraftSection(ctx, h, 2023, "sintesi", &edited, 1, "segretario"); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveDraftSection(ctx, h, 2023, "sintesi", &edited, 1, "segretario"); !errors.Is(err, store.ErrRelazioneDraftChanged) {
		t.Fatalf("stale save: %v", err)
	}
	if err := st.SaveDraftSection(ctx, h, 2023, "nessuna", &edited, 2, "segretario"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown section: %v", err)
	}
	if err := st.RegenerateDraftSection(ctx, h, 2023, "contesto-risorse", para("x"), 2, "segretario"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("regenerate a free section: %v", err)
	}
	d, _ = st.RelazioneDraft(ctx, h.ID, 2023)
	if d.Version != 2 || d.Sections[0].Text() != edited || d.Sections[0].GeneratedText() != "Primo testo." {
		t.Fatalf("after the edit: %+v", d)
	}
	if err := st.RegenerateDraftSection(ctx, h, 2023, "sintesi", para("Secondo testo."), 2, "segretario"); err != nil {
		t.Fatal(err)
	}
	d, _ = st.RelazioneDraft(ctx, h.ID, 2023)
	if d.Version != 3 || d.Sections[0].Edited != nil || d.Sections[0].Text() != "Secondo testo." {
		t.Fatalf("after the regeneration: %+v", d)
	}
	if err := st.SendDraftToOIV(ctx, h, 2023, 3, auth.User{Username: "segretario"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveDraftSection(ctx, h, 2023, "sintesi", &edited, 4, "segretario"); !errors.Is(err, store.ErrRelazioneDraftLocked) {
		t.Fatalf("edit after sending: %v", err)
	}
	d, _ = st.RelazioneDraft(ctx, h.ID, 2023)
	if d.Status != model.DraftInviata || d.SentAt == nil || d.SentBy != "segretario" {
		t.Fatalf("after sending: %+v", d)
	}
	v := model.Validation{Year: 2023, Outcome: model.Validated, DecidedOn: romeToday(), DocumentName: "validazione.pdf",
		DocumentType: "application/pdf", Document: []byte("%PDF-1.4 x")}
	if err := st.SetValidation(ctx, h, v, "", "oiv"); err != nil {
		t.Fatal(err)
	}
	d, _ = st.RelazioneDraft(ctx, h.ID, 2023)
	if d.Status != model.DraftValidata || d.ValidatedAt == nil || d.Version != 5 {
		t.Fatalf("after the validation: %+v", d)
	}
	cur, err := st.ValidationOf(ctx, h.ID, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.WithdrawValidation(ctx, h, 2023, cur.Stamp(), "errore materiale", "oiv"); err != nil {
		t.Fatal(err)
	}
	d, _ = st.RelazioneDraft(ctx, h.ID, 2023)
	if d.Status != model.DraftBozza || d.ValidatedAt != nil || d.SentAt != nil {
		t.Fatalf("after the withdrawal: %+v", d)
	}
	for action, n := range map[string]int{"relazione.draft.create": 1, "relazione.draft.edit": 1, "relazione.draft.regenerate": 1, "relazione.draft.send": 1} {
		if got := len(auditRows(t, st, store.AuditFilter{Action: action})); got != n {
			t.Errorf("%s: %d events, want %d", action, got, n)
		}
	}
}

// TestRelazioneDraftUnsentNotFrozen: the OIV's validation freezes the draft
// it was sent, not a bozza it could not read: that stays a bozza, editable
// and unpublished; sent afterwards, a correction of the decision freezes it.
func TestRelazioneDraftUnsentNotFrozen(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	secs := []model.DraftSection{{Key: "sintesi", Generated: []model.DraftParagraph{{Sentences: []model.DraftSentence{{Text: "Testo."}}}}}}
	if err := st.CreateRelazioneDraft(ctx, h, 2023, secs, "segretario"); err != nil {
		t.Fatal(err)
	}
	v := model.Validation{Year: 2023, Outcome: model.Validated, DecidedOn: romeToday(), DocumentName: "validazione.pdf",
		DocumentType: "application/pdf", Document: []byte("%PDF-1.4 x")}
	if err := st.SetValidation(ctx, h, v, "", "oiv"); err != nil {
		t.Fatal(err)
	}
	d, err := st.RelazioneDraft(ctx, h.ID, 2023)
	if err != nil || d.Status != model.DraftBozza || d.SentAt != nil || d.ValidatedAt != nil || d.Version != 1 {
		t.Fatalf("an unsent draft after the validation: %+v %v", d, err)
	}
	edited := "Testo del Segretario."
	if err := st.SaveDraftSection(ctx, h, 2023, "sintesi", &edited, 1, "segretario"); err != nil {
		t.Fatalf("edit after the validation of the year: %v", err)
	}
	if err := st.SendDraftToOIV(ctx, h, 2023, 2, auth.User{Username: "segretario"}); err != nil {
		t.Fatal(err)
	}
	cur, err := st.ValidationOf(ctx, h.ID, 2023)
	if err != nil {
		t.Fatal(err)
	}
	v.Correction = "il testo della Relazione è stato inviato dopo la validazione"
	if err := st.SetValidation(ctx, h, v, cur.Stamp(), "oiv"); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.RelazioneDraft(ctx, h.ID, 2023); d.Status != model.DraftValidata || d.SentBy != "segretario" || d.Sections[0].Text() != edited {
		t.Fatalf("the sent draft after the correction: %+v", d)
	}
}
