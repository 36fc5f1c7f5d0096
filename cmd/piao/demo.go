package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
)

// cmdDemo loads the reference plan. It refuses when the plan exists unless --replace.
func cmdDemo(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	replace := fs.Bool("replace", false, "sostituisce il piano se esiste già")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%w: demo accetta solo --replace", errUsage)
	}
	pool, closeAll, err := connect(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer closeAll()
	return loadDemo(ctx, store.New(pool), *replace, stdout)
}

func loadDemo(ctx context.Context, st *store.Store, replace bool, stdout io.Writer) error {
	doc, err := seed.Reference()
	if err != nil {
		return err
	}
	res, err := st.LoadPlan(ctx, doc, store.LoadOptions{Replace: replace, Actor: "piao demo"})
	if errors.Is(err, store.ErrPlanExists) {
		return fmt.Errorf("il piano %s/%s esiste già: nulla è stato modificato (usa --replace per sostituirlo)", doc.Ente.Slug, doc.Plan.Slug)
	}
	if err != nil {
		return err
	}
	verb := "caricato"
	if res.Replaced {
		verb = "sostituito"
	}
	fmt.Fprintf(stdout, "Piano %s %s: %s/%s — %d obiettivi, %d indicatori, %d obiettivi individuali, %d note sulla qualità dei dati.\n",
		doc.Plan.Title, verb, doc.Ente.Slug, doc.Plan.Slug, res.Objectives, res.Indicators, res.Individual, res.Notes)
	return nil
}
