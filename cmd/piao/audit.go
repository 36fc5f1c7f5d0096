package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/store"
)

// errChainBroken makes `piao audit verify` exit 1, so scripts and monitoring
// can alert on it.
var errChainBroken = errors.New("registro di audit non integro")

// cmdAudit: audit verify [--anchor SEQ:HASH] — recomputes the audit trail's
// hash chain and, with an anchor (the head printed in a Relazione), checks
// that the event still has that hash: a chain rewritten and rehashed from an
// earlier event onward is then caught too.
func cmdAudit(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) < 1 || args[0] != "verify" {
		return fmt.Errorf("%w: audit verify [--anchor SEQ:HASH]", errUsage)
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	anchorText := fs.String("anchor", "", "an event of the chain as SEQ:HASH (the head printed in a Relazione)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%w: audit verify [--anchor SEQ:HASH]", errUsage)
	}
	var anchor *store.AuditHead
	if *anchorText != "" {
		seq, hash, ok := strings.Cut(*anchorText, ":")
		n, err := strconv.ParseInt(seq, 10, 64)
		if !ok || err != nil || n < 1 || len(hash) != 64 {
			return fmt.Errorf("%w: --anchor vuole N:IMPRONTA (numero dell'evento e 64 cifre esadecimali)", errUsage)
		}
		anchor = &store.AuditHead{Seq: n, Hash: hash}
	}
	pool, closeAll, err := connect(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer closeAll()
	st := store.New(pool)
	if _, err := st.SealAudit(ctx); err != nil {
		return err
	}
	rep, err := st.VerifyAuditChain(ctx)
	if err != nil {
		return err
	}
	if rep.BrokenAt != 0 {
		return fmt.Errorf("%w: primo collegamento rotto all'evento n. %d (%s); %d eventi letti fin lì", errChainBroken, rep.BrokenAt, rep.Problem, rep.Events)
	}
	if anchor != nil {
		ok, err := st.AnchorHolds(ctx, *anchor)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: l'evento n. %d non ha più l'impronta pubblicata %s: la catena è stata riscritta", errChainBroken, anchor.Seq, anchor.Hash)
		}
	}
	fmt.Fprintf(stdout, "Registro di audit integro: %d eventi verificati, catena di hash completa.\n", rep.Events)
	if anchor != nil {
		fmt.Fprintf(stdout, "L'evento n. %d ha l'impronta pubblicata.\n", anchor.Seq)
	}
	fmt.Fprintf(stdout, "Ultimo evento: %s\n", rep.Head)
	return nil
}
