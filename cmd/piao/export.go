package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/store"
)

// cmdExport: export --ente E --plan P [-o FILE] — the whole plan with its
// state as JSON, for backups and for moving a plan to another installation.
// Attachments are not included.
func cmdExport(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	const use = "export --ente ENTE --plan PIANO [-o FILE]"
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	ente := fs.String("ente", "", "ente (slug)")
	planSlug := fs.String("plan", "", "piano (slug)")
	out := fs.String("o", "", "file da scrivere (predefinito: standard output)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *ente == "" || *planSlug == "" {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	pool, closeAll, err := connect(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer closeAll()
	doc, err := store.New(pool).ExportPlan(ctx, *ente, *planSlug)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("piano %s/%s inesistente", *ente, *planSlug)
	}
	if err != nil {
		return err
	}
	b, err := plan.Encode(doc)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err := stdout.Write(b)
		return err
	}
	if err := writeFileAtomic(*out, b); err != nil {
		return fmt.Errorf("scrittura di %s: %w", *out, err)
	}
	fmt.Fprintf(stdout, "Piano %s/%s esportato in %s: %d obiettivi, %d misurazioni, %d punteggi dei comportamenti (allegati esclusi).\n",
		*ente, *planSlug, *out, len(doc.Objectives), len(doc.State.Measurements), len(doc.State.Behaviour))
	return nil
}

// writeFileAtomic writes through a temporary file in the same folder and a
// rename, so an interrupted export never leaves a truncated backup in place.
// The file is readable by its owner only: a backup names people.
func writeFileAtomic(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".piao-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) //nolint:errcheck // gone after the rename
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// cmdImport: import FILE [--replace] — loads an exported plan, all or
// nothing. Without --replace an existing plan is left untouched.
func cmdImport(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	const use = "import FILE [--replace]"
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	replace := fs.Bool("replace", false, "sostituisce il piano se esiste già")
	// FILE may come before or after the flag.
	file, rest := "", args
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil || fs.NArg() > 1 || (file != "") == (fs.NArg() == 1) {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	if file == "" {
		file = fs.Arg(0)
	}
	doc, err := readDocument(file)
	if err != nil {
		return fmt.Errorf("%s: nulla è stato importato: %w", file, err)
	}
	pool, closeAll, err := connect(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer closeAll()
	res, err := store.New(pool).LoadPlan(ctx, doc, store.LoadOptions{Replace: *replace, Actor: "piao import"})
	if errors.Is(err, store.ErrPlanExists) {
		return fmt.Errorf("il piano %s/%s esiste già: nulla è stato modificato (usa --replace per sostituirlo)", doc.Ente.Slug, doc.Plan.Slug)
	}
	if err != nil {
		return fmt.Errorf("%s: nulla è stato importato: %w", file, err)
	}
	verb := "importato"
	if res.Replaced {
		verb = "sostituito"
	}
	var measurements, behaviour int
	if doc.State != nil {
		measurements, behaviour = len(doc.State.Measurements), len(doc.State.Behaviour)
	}
	fmt.Fprintf(stdout, "Piano %s %s: %s/%s — %d obiettivi, %d indicatori, %d misurazioni, %d punteggi dei comportamenti.\n",
		doc.Plan.Title, verb, doc.Ente.Slug, doc.Plan.Slug, res.Objectives, res.Indicators, measurements, behaviour)
	for _, k := range res.BenchmarksKept {
		period := "31/12"
		if k.Period == "midyear" {
			period = "30/06"
		}
		fmt.Fprintf(stdout, "Benchmark di %s al %s/%d: %s (%s, indicatore %s) non è in questa installazione; resta il valore con cui la cifra è stata pubblicata, %s, riportato nel file.\n",
			k.Indicator, period, k.Year, k.Benchmark.EnteName, k.Benchmark.Ente, k.Benchmark.Indicator, itfmt.Number(k.Benchmark.Value, 2))
	}
	return nil
}

// readDocument decodes an exported plan strictly (no unknown fields, nothing
// after the document) and validates it.
func readDocument(file string) (*plan.Document, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("lettura del file: %w", err)
	}
	var doc plan.Document
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, jsonError(raw, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("JSON non valido: altro contenuto dopo il documento")
	}
	if err := plan.Validate(&doc); err != nil {
		return nil, fmt.Errorf("piano non valido:\n%w", err)
	}
	return &doc, nil
}

// jsonError says in Italian what is wrong with the file, and where.
func jsonError(raw []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("JSON non valido alla riga %d (dettaglio: %v)", lineOf(raw, syntax.Offset), err)
	case errors.As(err, &typ):
		return fmt.Errorf("JSON non valido alla riga %d: il campo %q non è del tipo atteso (%s)", lineOf(raw, typ.Offset), typ.Field, typ.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("JSON non valido: il file è vuoto o troncato")
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Errorf("campo sconosciuto %s: il file non è un'esportazione di piao (o è di una versione diversa)", field)
	}
	return fmt.Errorf("JSON non valido: %w", err)
}

func lineOf(raw []byte, offset int64) int {
	if offset > int64(len(raw)) {
		offset = int64(len(raw))
	}
	return bytes.Count(raw[:offset], []byte("\n")) + 1
}
