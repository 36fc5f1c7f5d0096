package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/piaoparse"
	"github.com/piao-performance/piao/internal/plan"
)

const planParseUsage = "plan parse FILE [--ente SLUG] [--plan SLUG] [--title T] [--years 2023-2025] [-o OUT.json]"

var reYears = regexp.MustCompile(`^(\d{4})\s*[-–/]\s*(\d{4})$`)

// cmdPlan: plan parse FILE — reads a published PIAO (text, PDF or DOCX) and
// writes a plan document in the format of `piao export`, structure only. The
// problems go to standard error and into the document's notes. Exit 0 when
// anything was recognised, 1 when nothing was, 2 on a usage error.
func cmdPlan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "parse" {
		fmt.Fprintln(stderr, "Uso: piao "+planParseUsage)
		return 2
	}
	fs := flag.NewFlagSet("plan parse", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	ente := fs.String("ente", "", "ente (slug)")
	planSlug := fs.String("plan", "", "piano (slug)")
	title := fs.String("title", "", "titolo del piano")
	years := fs.String("years", "", "anni del piano, per esempio 2023-2025")
	out := fs.String("o", "", "file da scrivere (predefinito: standard output)")
	// The file may come before or after the options.
	rest := args[1:]
	var file string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		fmt.Fprintln(stderr, "piao: opzioni non valide:", err, "\nUso: piao "+planParseUsage)
		return 2
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 || file == "" {
		fmt.Fprintln(stderr, "Uso: piao "+planParseUsage)
		return 2
	}
	opt := piaoparse.Options{Ente: *ente, Plan: *planSlug, Title: *title}
	if *years != "" {
		m := reYears.FindStringSubmatch(*years)
		if m == nil {
			fmt.Fprintln(stderr, "piao: --years va scritto come 2023-2025")
			return 2
		}
		opt.StartYear, _ = strconv.Atoi(m[1])
		opt.EndYear, _ = strconv.Atoi(m[2])
		if opt.EndYear < opt.StartYear {
			fmt.Fprintln(stderr, "piao: --years: l'ultimo anno precede il primo")
			return 2
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "piao: lettura di %s: %v\n", file, err)
		return 1
	}
	text, err := piaoparse.Extract(ctx, data)
	switch {
	case errors.Is(err, piaoparse.ErrFormat):
		fmt.Fprintf(stderr, "piao: %s non è un testo, un PDF o un documento Word (DOCX)\n", file)
		return 1
	case errors.Is(err, piaoparse.ErrNoPdftotext):
		fmt.Fprintln(stderr, "piao: per leggere un PDF serve pdftotext (pacchetto Debian poppler-utils)")
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "piao: estrazione del testo di %s: %v\n", file, err)
		return 1
	}
	if opt.Ente == "" {
		opt.Ente = "ente"
	}
	if opt.Plan == "" {
		opt.Plan = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	res := piaoparse.Parse(text, opt)
	if !res.Found() {
		fmt.Fprintf(stderr, "piao: in %s non è stato riconosciuto nessun ambito, obiettivo o indicatore della sezione performance\n", file)
		return 1
	}
	for _, p := range res.Problems {
		fmt.Fprintln(stderr, p.String())
	}
	b, err := plan.Encode(res.Doc)
	if err != nil {
		fmt.Fprintln(stderr, "piao:", err)
		return 1
	}
	if *out == "" {
		if _, err := stdout.Write(b); err != nil {
			return 1
		}
	} else if err := writeFileAtomic(*out, b); err != nil {
		fmt.Fprintf(stderr, "piao: scrittura di %s: %v\n", *out, err)
		return 1
	}
	inds := 0
	for _, o := range res.Doc.Objectives {
		inds += len(o.Indicators)
	}
	fmt.Fprintf(stderr, "Riconosciuti %d ambiti, %d obiettivi, %d indicatori, %d obiettivi individuali; %d punti da rivedere.\n",
		len(res.Doc.Areas), len(res.Doc.Objectives), inds, len(res.Doc.Individual), len(res.Problems))
	return 0
}
