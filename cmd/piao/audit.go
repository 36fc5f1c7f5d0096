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
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
)

// errChainBroken makes `piao audit verify` exit 1, so scripts and monitoring
// can alert on it.
var errChainBroken = errors.New("registro di audit non integro")

// installationFlag names the installation-wide chain in `--ente`.
const installationFlag = "-"

// cmdAudit: audit verify [--ente SLUG] [--anchor SEQ:HASH] — recomputes the
// audit trail's hash chains (one per ente, plus the installation's for the
// events of no ente) and names the first broken one. With an anchor (the
// head printed in a Relazione) of the chain of --ente, it checks that the
// event still has that hash: a chain rewritten and rehashed from an earlier
// event onward is then caught too.
func cmdAudit(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	const usage = "audit verify [--ente SLUG|-] [--anchor SEQ:HASH]"
	if len(args) < 1 || args[0] != "verify" {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	anchorText := fs.String("anchor", "", "an event of the chain as SEQ:HASH (the head printed in a Relazione)")
	enteSlug := fs.String("ente", "", "check only this ente's chain (- for the installation's)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	var anchor *model.AuditHead
	if *anchorText != "" {
		if *enteSlug == "" {
			return fmt.Errorf("%w: --anchor vuole --ente: ogni ente ha la propria catena (- per quella dell'installazione)", errUsage)
		}
		seq, hash, ok := strings.Cut(*anchorText, ":")
		n, err := strconv.ParseInt(seq, 10, 64)
		if !ok || err != nil || n < 1 || len(hash) != 64 {
			return fmt.Errorf("%w: --anchor vuole N:IMPRONTA (numero dell'evento e 64 cifre esadecimali)", errUsage)
		}
		anchor = &model.AuditHead{Seq: n, Hash: hash}
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
	var reps []model.ChainReport
	switch *enteSlug {
	case "":
		if reps, err = st.VerifyAuditChains(ctx); err != nil {
			return err
		}
	default:
		chain := store.InstallationChain
		if *enteSlug != installationFlag {
			if chain, err = st.EnteID(ctx, *enteSlug); errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("%w: ente %q sconosciuto", errUsage, *enteSlug)
			} else if err != nil {
				return err
			}
		}
		rep, err := st.VerifyAuditChain(ctx, chain)
		if err != nil {
			return err
		}
		if chain != store.InstallationChain {
			rep.Ente = *enteSlug
		}
		reps = []model.ChainReport{rep}
	}
	for _, rep := range reps {
		if rep.BrokenAt != 0 {
			return fmt.Errorf("%w: catena %s, primo collegamento rotto all'evento n. %d (%s); %d eventi letti fin lì",
				errChainBroken, chainName(rep.Ente), rep.BrokenAt, rep.Problem, rep.Events)
		}
	}
	if anchor != nil {
		ok, err := st.AnchorHolds(ctx, reps[0].EnteID, *anchor)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: catena %s, l'evento n. %d non ha più l'impronta pubblicata %s: la catena è stata riscritta",
				errChainBroken, chainName(reps[0].Ente), anchor.Seq, anchor.Hash)
		}
	}
	total := 0
	for _, rep := range reps {
		total += rep.Events
	}
	fmt.Fprintf(stdout, "Registro di audit integro: %d eventi verificati in %d catene, catene di hash complete.\n", total, len(reps))
	for _, rep := range reps {
		if rep.Head.Seq == 0 {
			fmt.Fprintf(stdout, "Catena %s: nessun evento sigillato\n", chainName(rep.Ente))
			continue
		}
		fmt.Fprintf(stdout, "Catena %s: %d eventi, ultimo evento %s\n", chainName(rep.Ente), rep.Events, rep.Head)
	}
	if anchor != nil {
		fmt.Fprintf(stdout, "L'evento n. %d della catena %s ha l'impronta pubblicata.\n", anchor.Seq, chainName(reps[0].Ente))
	}
	return nil
}

// chainName names a chain in messages: the ente's slug or the installation.
func chainName(ente string) string {
	if ente == "" {
		return "dell'installazione"
	}
	return "dell'ente " + ente
}
