package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/store"
)

// cmdRules: rules set — per-plan settings that are not yet in the browser.
func cmdRules(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	const use = "rules set --ente E --plan P --show-submitted-midyear true|false"
	if len(args) == 0 || args[0] != "set" {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	fs := flag.NewFlagSet("rules set", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	ente := fs.String("ente", "", "")
	planSlug := fs.String("plan", "", "")
	show := fs.String("show-submitted-midyear", "", "")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 || *ente == "" || *planSlug == "" || (*show != "true" && *show != "false") {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	pool, closeAll, err := connect(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer closeAll()
	st := store.New(pool)
	h, err := st.PlanHeader(ctx, *ente, *planSlug)
	if err != nil {
		return fmt.Errorf("piano %s/%s: %w", *ente, *planSlug, err)
	}
	if err := st.SetShowSubmittedMidyear(ctx, h, *show == "true", "piao rules set"); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Monitoraggio infrannuale di %s/%s: valori inviati %s.\n", *ente, *planSlug,
		map[bool]string{true: "mostrati agli utenti dell'ente", false: "nascosti fino all'approvazione"}[*show == "true"])
	return nil
}
