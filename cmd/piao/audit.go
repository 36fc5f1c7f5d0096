package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/store"
)

// errChainBroken makes `piao audit verify` exit 1, so scripts and monitoring
// can alert on it.
var errChainBroken = errors.New("registro di audit non integro")

// cmdAudit: audit verify — recomputes the audit trail's hash chain.
func cmdAudit(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "verify" {
		return fmt.Errorf("%w: audit verify", errUsage)
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
	fmt.Fprintf(stdout, "Registro di audit integro: %d eventi verificati, catena di hash completa.\n", rep.Events)
	return nil
}
