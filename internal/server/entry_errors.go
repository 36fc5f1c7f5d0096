package server

import (
	"errors"
	"fmt"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
)

// entryErrorText is the Italian message a user reads for an error of a save
// or a workflow step on a measurement; ok is false for errors that are not
// the user's to fix (they are logged, and the user gets the error page).
// The store's errors are typed and speak English: the words are chosen here.
func entryErrorText(err error) (msg string, ok bool) {
	var (
		conflict *store.ConflictError
		locked   *store.LockedError
		limit    *store.AttachmentLimitError
	)
	switch {
	case errors.As(err, &conflict):
		return fmt.Sprintf("la misurazione è stata modificata da %s il %s mentre la compilavi", conflict.Current.Author,
			itfmt.DateTime(conflict.Current.UpdatedAt)), true
	case errors.As(err, &locked):
		switch locked.Status {
		case workflow.Submitted:
			return "la misurazione è stata inviata ed è in attesa di approvazione: può cambiare solo se il Segretario Generale la restituisce", true
		case workflow.Approved:
			return "la misurazione è approvata: può cambiare solo se il Segretario Generale la riapre con un motivo", true
		}
		return "operazione non possibile nello stato «" + locked.Status.Label() + "»", true
	case errors.Is(err, store.ErrPeriodClosed):
		return "il periodo è chiuso: nulla può cambiare finché il Segretario Generale non lo riapre", true
	case errors.Is(err, store.ErrDeviationRequired):
		return "al periodo finale un indicatore non pienamente raggiunto o non applicabile si approva solo con la motivazione dello scostamento completa (cosa è successo, perché, azione correttiva): restituiscila al dirigente perché la scriva", true
	case errors.Is(err, store.ErrDerived):
		return "indicatore calcolato dal sistema: non si inserisce", true
	case errors.Is(err, workflow.ErrReasonRequired):
		return fmt.Sprintf("indica il motivo (almeno %d caratteri)", workflow.MinReason), true
	case errors.As(err, &limit) && limit.Max > 0:
		return fmt.Sprintf("una misurazione può avere al massimo %d allegati: ne ha già %d, quindi puoi aggiungerne %d",
			limit.Max, limit.Count, max(limit.Max-limit.Count, 0)), true
	case errors.As(err, &limit):
		return fmt.Sprintf("gli allegati di una misurazione possono occupare al massimo %s: ne occupano già %s e i nuovi file %s",
			megabytes(limit.MaxBytes), megabytes(limit.Size), megabytes(limit.Added)), true
	}
	return "", false
}

func megabytes(n int64) string { return itfmt.Number(float64(n)/(1<<20), 1) + " MB" }
