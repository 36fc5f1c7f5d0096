package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/backup"
	"github.com/piao-performance/piao/internal/dbmigrate"
	"github.com/piao-performance/piao/internal/store"
)

// storeMessages are the Italian sentences the CLI prints for the store's
// typed refusals: the store's errors are English and never shown as they are
// (the server chooses its own sentences, next to the field).
var storeMessages = []struct {
	err error
	msg string
}{
	{store.ErrLastAdmin, "l'ultimo amministratore attivo dell'ente non può essere disattivato"},
	{store.ErrUserChanged, "l'utente è cambiato nel frattempo: ripeti il comando"},
	{store.ErrUnknownRole, "profilo sconosciuto (--role): " + roleNames()},
	{store.ErrDisplayName, "il nome visualizzato (--name) va da 1 a 200 caratteri"},
	{store.ErrPeriodNotEnded, "il periodo non è ancora terminato: si chiude dopo la sua data di fine"},
	{store.ErrPeriodChanged, "il periodo è cambiato nel frattempo: ripeti il comando"},
	{store.ErrPeriodClosed, "il periodo è chiuso: nessun valore è stato modificato"},
	{store.ErrReopenReason, "per riaprire un periodo serve un motivo"},
	{store.ErrYearOpen, "il periodo finale dell'anno non è chiuso: la Relazione non si può validare"},
	{store.ErrNoValidation, "nessuna validazione da revocare"},
	{store.ErrCorrectionReason, "la Relazione ha già una validazione: per sostituirla serve il motivo della correzione"},
	{store.ErrValidationChanged, "la validazione è cambiata nel frattempo: ripeti il comando"},
	{store.ErrNotificationState, "la notifica non è più da riprovare"},
	{store.ErrDraftExists, "esiste già una bozza di revisione per questo piano"},
	{store.ErrEnteExists, "l'ente esiste già"},
	{store.ErrPlanExists, "il piano esiste già"},
}

func roleNames() string {
	names := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// cliMessage is the text printed for a failed command: the Italian sentence
// of a known store refusal, otherwise the error as the command wrapped it.
func cliMessage(err error) string {
	if msg, ok := backupMessage(err); ok {
		return msg
	}
	for _, m := range storeMessages {
		if errors.Is(err, m.err) {
			return m.msg
		}
	}
	var stale *store.StaleEntriesError
	if errors.As(err, &stale) {
		return fmt.Sprintf("misurazioni cambiate nel frattempo (%d): nulla è stato modificato; ripeti il comando", len(stale.Keys))
	}
	var newer *dbmigrate.SchemaNewerError
	if errors.As(err, &newer) {
		return fmt.Sprintf("lo schema del database (versione %d) è più recente di quello che questo programma conosce (versione %d): è stato aggiornato da una versione successiva di piao; usa quella versione (o più recente), nessuna modifica è stata fatta", newer.Database, newer.Known)
	}
	var bad *backup.CorruptError
	if errors.As(err, &bad) {
		return "il file di backup è danneggiato, incompleto o non leggibile (" + bad.Reason + "): rifiutato per intero, nulla è stato scritto nel database"
	}
	if errors.Is(err, backup.ErrNotEmpty) {
		return "il database di destinazione non è vuoto: il ripristino avviene solo in un database nuovo (nulla è stato scritto; " + err.Error() + ")"
	}
	if errors.Is(err, backup.ErrSchemaNewer) {
		return "il backup viene da una versione più recente di piao (" + err.Error() + "): usa quella versione per ripristinarlo; nulla è stato scritto"
	}
	var verr *backup.VerifyError
	if errors.As(err, &verr) {
		return "i dati ripristinati non corrispondono al backup, quindi sono stati rimossi (nulla resta scritto): " + strings.Join(verr.Problems, "; ")
	}
	var rules *store.RulesYearError
	if errors.As(err, &rules) {
		if rules.Validated >= rules.Year {
			return fmt.Sprintf("le regole non possono cambiare dal %d: la Relazione %d è validata", rules.Year, rules.Validated)
		}
		return fmt.Sprintf("le regole non possono cambiare dal %d: non è un anno del piano", rules.Year)
	}
	return err.Error()
}

// backupMessage is the Italian sentence of a refused ente restore; they come
// before storeMessages, whose "l'ente esiste già" would say less.
func backupMessage(err error) (string, bool) {
	var exists *backup.EnteExistsError
	if errors.As(err, &exists) {
		return fmt.Sprintf("l'ente %s esiste già in questa installazione: il backup di un ente si ripristina solo dove quell'ente non c'è; nulla è stato scritto", exists.Slug), true
	}
	var taken *store.AccountsTakenError
	if errors.As(err, &taken) {
		return "nel database esistono già account con lo stesso nome utente o indirizzo e-mail di account del backup (" + strings.Join(taken.Names, ", ") + "): nulla è stato scritto", true
	}
	var chain *store.ChainFileError
	if errors.As(err, &chain) {
		return fmt.Sprintf("la catena di audit contenuta nel backup non è integra all'evento %d (%s): file rifiutato, nulla è stato scritto", chain.Seq, chain.Problem), true
	}
	var file *store.EnteFileError
	if errors.As(err, &file) {
		return "il file di backup dell'ente è incoerente (" + file.Reason + "): rifiutato per intero, nulla è stato scritto nel database", true
	}
	var schema *backup.SchemaDiffersError
	if errors.As(err, &schema) {
		return fmt.Sprintf("il backup dell'ente è allo schema versione %d, il database alla versione %d: portali alla stessa versione (piao migrate up, o la versione di piao che ha scritto il backup); nulla è stato scritto", schema.Backup, schema.Database), true
	}
	return "", false
}
