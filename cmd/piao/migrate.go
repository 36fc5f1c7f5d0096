package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/dbmigrate"
)

// cmdMigrate: migrate up | down [N] | version.
func cmdMigrate(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: migrate vuole up, down [N] o version", errUsage)
	}
	steps := 0
	switch args[0] {
	case "up", "version":
		if len(args) > 1 {
			return fmt.Errorf("%w: migrate %s non accetta argomenti", errUsage, args[0])
		}
	case "down":
		if len(args) > 2 {
			return fmt.Errorf("%w: migrate down accetta al più un numero", errUsage)
		}
		if len(args) == 2 {
			n, err := strconv.Atoi(args[1])
			if err != nil || n < 1 {
				return fmt.Errorf("%w: migrate down N vuole un numero intero positivo", errUsage)
			}
			steps = n
		}
	default:
		return fmt.Errorf("%w: migrate %q sconosciuto", errUsage, args[0])
	}
	t, stop, err := database(ctx, cfg, log, "postgres")
	if err != nil {
		return err
	}
	defer stop()
	url := t.owner
	switch args[0] {
	case "up":
		if err := dbmigrate.Up(url); err != nil {
			return err
		}
		if t.appRole != "" {
			if err := dbmigrate.EnsureAppRole(ctx, url, t.appRole, t.appPassword); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "ruolo dell'applicazione: %s (sul registro di audit solo inserimento e lettura)\n", t.appRole)
		}
	case "down":
		if err := dbmigrate.Down(url, steps); err != nil {
			return err
		}
	}
	v, dirty, ok, err := dbmigrate.Version(url)
	if err != nil {
		return err
	}
	switch {
	case !ok:
		fmt.Fprintln(stdout, "schema: nessuna migrazione applicata")
	case dirty:
		fmt.Fprintf(stdout, "schema: versione %d (incompleta: correggere a mano)\n", v)
	default:
		fmt.Fprintf(stdout, "schema: versione %d\n", v)
	}
	return nil
}
