package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/password"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/synth"
)

// The dashboard routes: the Segretario Generale's cruscotto of the reference
// plan and of one large synthetic plan, each driven by -cd clients (32 by
// default, whatever -c says), every one signed in with its own session as
// a Segretario of the ente. The dashboard keeps built views in a cache that
// checks the period's fingerprint on every request, so the warm-up builds the
// view and the measured run times the fingerprint, the session and the
// rendering.
const (
	dashRefKey = "reference-dashboard"
	dashBigKey = "synthetic-big-dashboard"

	relRefPDF  = "reference-relazione-pdf"
	relRefXLSX = "reference-relazione-xlsx"
	relBigPDF  = "synthetic-big-relazione-pdf"
	relBigXLSX = "synthetic-big-relazione-xlsx"

	dashRefUser = "bench.segretario"
	dashBigUser = "bench.segretario.big"
	synUser     = "bench.segretario.synth" // signs in to the first synthetic ente's pages

	defaultDashConcurrency = 32
	defaultBigIndicators   = 5000
)

// bigEnte generates the large synthetic ente: the generator names enti by
// their index and takes one size for all of them, so it is the next index
// after the -enti ones (synth-021 by default), generated with the -big size.
// Ente n depends only on the seed, n and the sizes, so it alone is built
// (building the -enti ones at the -big size first took gigabytes at 600 enti).
func bigEnte(cfg synth.Config, indicators int) synth.Ente {
	big := cfg
	big.Enti, big.IndicatorsPerEnte = cfg.Enti+1, indicators
	return synth.GenerateNth(big, cfg.Enti+1)
}

// bigConfigError says why -big is refused, or nil.
func bigConfigError(cfg synth.Config, indicators int) error {
	big := cfg
	big.Enti, big.IndicatorsPerEnte = cfg.Enti+1, indicators
	return big.Validate()
}

// createSegretario adds a Segretario Generale account of ente.
func createSegretario(ctx context.Context, st *store.Store, ente, username string) error {
	hash, err := password.Hash(benchPassword)
	if err != nil {
		return fmt.Errorf("bench account %s: %w", username, err)
	}
	_, err = st.CreateUser(ctx, store.NewUser{Ente: ente, Username: username, DisplayName: "Segretario Generale (benchmark)",
		Role: auth.Segretario, PasswordHash: hash}, "piaobench")
	if err != nil {
		return fmt.Errorf("bench account %s: %w", username, err)
	}
	return nil
}

// dashboardRoutes are the two dashboard routes, after the page routes.
func dashboardRoutes(ref, big *plan.Document, bigIndicators, concurrency int) []route {
	path := func(d *plan.Document) string { return "/enti/" + d.Ente.Slug + "/piani/" + d.Plan.Slug + "/cruscotto" }
	return []route{
		{Key: dashRefKey, Label: "reference: dashboard", Path: path(ref), User: dashRefUser, Concurrency: concurrency},
		{Key: dashBigKey, Label: "synthetic " + thousands(bigIndicators) + " indicators: dashboard", Path: path(big),
			User: dashBigUser, Concurrency: concurrency},
	}
}

// relazioneRoutes download the full Relazione sulla performance of the
// reference plan and of the large synthetic ente, as PDF and XLSX, one
// client at a time: the targets are the time of one generation.
func relazioneRoutes(ref, big *plan.Document, bigIndicators int) []route {
	path := func(d *plan.Document, file string) string {
		return "/enti/" + d.Ente.Slug + "/piani/" + d.Plan.Slug + "/relazione/" + strconv.Itoa(d.Plan.StartYear) + "/" + file
	}
	n := thousands(bigIndicators)
	return []route{
		{Key: relRefPDF, Label: "reference: Relazione PDF", Path: path(ref, "relazione.pdf"), User: dashRefUser, Concurrency: 1, Warmup: 3},
		{Key: relRefXLSX, Label: "reference: Relazione XLSX", Path: path(ref, "relazione.xlsx"), User: dashRefUser, Concurrency: 1, Warmup: 3},
		{Key: relBigPDF, Label: "synthetic " + n + " indicators: Relazione PDF", Path: path(big, "relazione.pdf"), User: dashBigUser, Concurrency: 1, Warmup: 3},
		{Key: relBigXLSX, Label: "synthetic " + n + " indicators: Relazione XLSX", Path: path(big, "relazione.xlsx"), User: dashBigUser, Concurrency: 1, Warmup: 3},
	}
}

// thousands writes n with a comma every three digits (5,000).
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
