package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/password"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
)

// cmdDemo loads the reference plan. It refuses when the plan exists unless --replace.
func cmdDemo(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	replace := fs.Bool("replace", false, "sostituisce il piano se esiste già")
	sample := fs.Bool("with-sample-actuals", false, "carica anche le misurazioni dimostrative 2023, approvate, con i periodi 2023 chiusi")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%w: demo accetta solo --replace e --with-sample-actuals", errUsage)
	}
	pool, closeAll, err := connect(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer closeAll()
	return loadDemoPlan(ctx, store.New(pool), *replace, *sample, cfg.DemoPassword, stdout)
}

// loadDemo loads the reference plan and its demo accounts, without sample
// measurements.
func loadDemo(ctx context.Context, st *store.Store, replace bool, demoPassword string, stdout io.Writer) error {
	return loadDemoPlan(ctx, st, replace, false, demoPassword, stdout)
}

// loadDemoPlan loads the reference plan, with sample actuals when asked, and
// the demo accounts. When the plan exists and replace is false it changes
// nothing.
func loadDemoPlan(ctx context.Context, st *store.Store, replace, sample bool, demoPassword string, stdout io.Writer) error {
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
	bench, err := loadBenchmarkEnte(ctx, st, replace, stdout)
	if err != nil {
		return err
	}
	if sample {
		if err := loadSampleActuals(ctx, st, doc, stdout); err != nil {
			return err
		}
		if bench != nil {
			if _, err := st.ImportMeasurements(ctx, bench.Ente.Slug, bench.Plan.Slug, seed.BenchmarkSample(), store.ImportOptions{
				Actor: seed.SampleActor, Status: "approved", ClosePeriods: true, Demo: true}); err != nil {
				return fmt.Errorf("misurazione dimostrativa di %s: %w", bench.Ente.Name, err)
			}
			fmt.Fprintf(stdout, "Misurazione dimostrativa %d di %s: tempestività dei pagamenti −5,7 giorni (dati dimostrativi).\n", seed.SampleYear, bench.Ente.Name)
		}
	}
	return demoAccounts(ctx, st, doc.Ente.Slug, demoPassword, stdout)
}

// loadBenchmarkEnte loads the second demo ente, whose payment timeliness the
// reference plan's benchmarking KPI takes as benchmark. An existing one stays
// unless replace; it returns nil when it was left as it was.
func loadBenchmarkEnte(ctx context.Context, st *store.Store, replace bool, stdout io.Writer) (*plan.Document, error) {
	bench, err := seed.BenchmarkEnte()
	if err != nil {
		return nil, err
	}
	if _, err := st.LoadPlan(ctx, bench, store.LoadOptions{Replace: replace, Actor: "piao demo"}); errors.Is(err, store.ErrPlanExists) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "Ente di confronto caricato: %s (%s/%s), solo l'indicatore di tempestività dei pagamenti.\n", bench.Ente.Name, bench.Ente.Slug, bench.Plan.Slug)
	return bench, nil
}

// demoAccounts creates the demo accounts, or sets the password of those that
// exist, so the password printed (or given) is the one that works.
func demoAccounts(ctx context.Context, st *store.Store, ente, pw string, stdout io.Writer) error {
	generated := pw == ""
	if generated {
		var err error
		if pw, err = password.Generate(); err != nil {
			return err
		}
	}
	if err := auth.ValidPassword(pw); err != nil {
		return fmt.Errorf("PIAO_DEMO_PASSWORD: %w", err)
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	var names []string
	for _, a := range seed.DemoAccounts() {
		// demo addresses under the reserved .invalid domain: with `docker compose up` the
		// notifications to the demo accounts show in Mailpit, and can reach nobody real
		_, err := st.CreateUser(ctx, store.NewUser{Ente: ente, Username: a.Username, DisplayName: a.DisplayName, Role: a.Role,
			Position: a.Position, PasswordHash: hash, Email: a.Username + "@demo.invalid"}, "piao demo")
		if errors.Is(err, store.ErrUserExists) {
			err = st.SetPassword(ctx, a.Username, hash, "piao demo")
		}
		if err != nil {
			return fmt.Errorf("demo account %s: %w", a.Username, err)
		}
		names = append(names, a.Username)
	}
	fmt.Fprintf(stdout, "Account dimostrativi: %s.\n", strings.Join(names, ", "))
	if generated {
		fmt.Fprintf(stdout, "Password degli account dimostrativi (mostrata solo ora; per sceglierla usa PIAO_DEMO_PASSWORD): %s\n", pw)
	} else {
		fmt.Fprintln(stdout, "Password degli account dimostrativi: quella di PIAO_DEMO_PASSWORD.")
	}
	return nil
}

func loadSampleActuals(ctx context.Context, st *store.Store, doc *plan.Document, stdout io.Writer) error {
	rows, err := seed.SampleActuals(doc)
	if err != nil {
		return err
	}
	res, err := st.ImportMeasurements(ctx, doc.Ente.Slug, doc.Plan.Slug, rows, store.ImportOptions{
		Actor: seed.SampleActor, Status: "approved", ClosePeriods: true, Demo: true})
	if err != nil {
		return fmt.Errorf("misurazioni dimostrative %d: %w", seed.SampleYear, err)
	}
	fmt.Fprintf(stdout, "Misurazioni dimostrative %d: %d valori approvati, periodi %s chiusi (dati dimostrativi, non reali).\n",
		seed.SampleYear, res.Inserted+res.Updated+res.Unchanged, strings.Join(res.Closed, " e "))
	for _, m := range res.NotClosed { // only the demo periods that have ended are closed
		fmt.Fprintf(stdout, "Non chiuso: %s.\n", m)
	}
	return nil
}
