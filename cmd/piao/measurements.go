package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/store"
)

// cmdMeasurements: measurements import FILE — bulk load of actuals from CSV,
// all or nothing, with every row error reported.
func cmdMeasurements(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("%w: measurements import FILE --ente ENTE --plan PIANO [--status approved] [--close] [--demo]", errUsage)
	}
	fs := flag.NewFlagSet("measurements import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	ente := fs.String("ente", "", "ente (slug)")
	planSlug := fs.String("plan", "", "piano (slug)")
	status := fs.String("status", "approved", "stato delle misurazioni: draft, submitted o approved")
	closeP := fs.Bool("close", false, "chiude i periodi importati")
	demo := fs.Bool("demo", false, "marca i valori come dati dimostrativi")
	actor := fs.String("actor", "piao measurements import", "autore registrato nel registro delle modifiche")
	file, rest := "", args[1:]
	if len(rest) > 0 && len(rest[0]) > 0 && rest[0][0] != '-' {
		file, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil || fs.NArg() > 0 || file == "" || *ente == "" || *planSlug == "" {
		return fmt.Errorf("%w: measurements import FILE --ente ENTE --plan PIANO [--status approved] [--close] [--demo]", errUsage)
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("open %s: %w", file, err)
	}
	defer f.Close()

	pool, closeAll, err := connect(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer closeAll()
	st := store.New(pool)
	h, catalogue, err := st.MeasureCatalogue(ctx, *ente, *planSlug)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("piano %s/%s inesistente", *ente, *planSlug)
	}
	if err != nil {
		return err
	}
	rows, err := measure.ParseCSV(f, catalogue, h.StartYear, h.EndYear)
	if err != nil {
		return fmt.Errorf("%s: nessuna misurazione importata:\n%w", file, err)
	}
	res, err := st.ImportMeasurements(ctx, *ente, *planSlug, rows, store.ImportOptions{
		Actor: *actor, Status: *status, ClosePeriods: *closeP, Demo: *demo})
	if err != nil {
		return fmt.Errorf("%s: nessuna misurazione importata:\n%w", file, err)
	}
	fmt.Fprintf(stdout, "%s: %d misurazioni nuove, %d aggiornate, %d invariate (stato %s).\n", file, res.Inserted, res.Updated, res.Unchanged, *status)
	for _, p := range res.Closed {
		fmt.Fprintf(stdout, "Periodo %s chiuso.\n", p)
	}
	for _, m := range res.NotClosed { // --close never closes a period before its end
		fmt.Fprintf(stdout, "Non chiuso: %s.\n", m)
	}
	return nil
}

// cmdBehaviour: behaviour set — the evaluator's behaviour score of a role.
func cmdBehaviour(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	const use = "behaviour set --ente ENTE --plan PIANO --year ANNO --role RUOLO --score 0-100 [--evaluator NOME]"
	if len(args) == 0 || args[0] != "set" {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	fs := flag.NewFlagSet("behaviour set", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	ente := fs.String("ente", "", "")
	planSlug := fs.String("plan", "", "")
	year := fs.Int("year", 0, "")
	role := fs.String("role", "", "")
	score := fs.Float64("score", -1, "")
	evaluator := fs.String("evaluator", "piao behaviour set", "")
	note := fs.String("note", "", "")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 || *ente == "" || *planSlug == "" || *year == 0 || *role == "" {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	if *score < 0 || *score > 100 {
		return fmt.Errorf("%w: il punteggio dei comportamenti va da 0 a 100", errUsage)
	}
	pool, closeAll, err := connect(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer closeAll()
	if err := store.New(pool).SetBehaviour(ctx, *ente, *planSlug, *role, *year, *score, *evaluator, *note); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Comportamenti %s %d: %v.\n", *role, *year, *score)
	return nil
}
