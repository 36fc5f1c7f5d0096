package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/backup"
	"github.com/piao-performance/piao/internal/store"
)

// TestCLIMessagesAreItalian: a store refusal, even wrapped with context,
// prints the CLI's Italian sentence, never the store's English text.
func TestCLIMessagesAreItalian(t *testing.T) {
	for _, m := range storeMessages {
		wrapped := fmt.Errorf("disable mario.rossi: %w", m.err)
		got := cliMessage(wrapped)
		if got != m.msg || strings.Contains(got, m.err.Error()) {
			t.Errorf("%v: printed %q", m.err, got)
		}
	}
	if got := cliMessage(fmt.Errorf("create: %w %q", store.ErrUnknownRole, "capo")); !strings.Contains(got, "segretario, dirigente") {
		t.Errorf("unknown role: %q", got)
	}
	if got := cliMessage(&store.RulesYearError{Year: 2023, Validated: 2024}); got != "le regole non possono cambiare dal 2023: la Relazione 2024 è validata" {
		t.Errorf("rules year: %q", got)
	}
	for _, err := range []error{
		&backup.EnteExistsError{Slug: "comune-x"},
		&store.AccountsTakenError{Names: []string{"mario.rossi"}},
		&store.ChainFileError{Seq: 3, Problem: "il contenuto dell'evento è stato modificato"},
		&backup.SchemaDiffersError{Backup: 29, Database: 30},
		&store.EnteFileError{Reason: "la riga 3 della tabella users non ha un identificativo"},
	} {
		got := cliMessage(fmt.Errorf("restore: %w", err))
		if strings.Contains(got, err.Error()) || !strings.Contains(got, "nulla è stato scritto") {
			t.Errorf("%v: printed %q", err, got)
		}
	}
	if got := cliMessage(fmt.Errorf("restore: %w", &backup.EnteExistsError{Slug: "comune-x"})); !strings.Contains(got, "l'ente comune-x esiste già") {
		t.Errorf("ente exists: %q", got)
	}
	if got := cliMessage(&store.StaleEntriesError{Keys: []string{"O.1/1", "O.2/1"}}); !strings.Contains(got, "(2)") {
		t.Errorf("stale entries: %q", got)
	}
}
