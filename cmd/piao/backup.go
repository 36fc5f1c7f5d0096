package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/piao-performance/piao/internal/backup"
	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/dbmigrate"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/store"
)

// cmdBackup: backup [--ente E] [-o FILE] | backup verify FILE — the whole
// installation (every table but sessions and sign-in counters), or one ente,
// as a piao-backup file.
func cmdBackup(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "verify" {
		return cmdBackupVerify(args[1:], stdout)
	}
	const use = "backup [--ente E] [-o FILE] | backup verify FILE"
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("o", "", "file da scrivere (predefinito: standard output)")
	ente := fs.String("ente", "", "solo questo ente (slug)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	t, stop, err := database(ctx, cfg, log, "postgres")
	if err != nil {
		return err
	}
	defer stop()
	v, dirty, ok, err := dbmigrate.Version(t.owner)
	if err != nil {
		return err
	}
	if !ok || dirty {
		return errors.New("il database non ha uno schema completo (piao migrate version): nessun backup scritto")
	}
	pool, err := openPool(ctx, t.owner)
	if err != nil {
		return err
	}
	defer pool.Close()
	src := backup.Target{URL: t.owner, Store: store.New(pool)}
	write := func(w io.Writer, tmpDir string) (backup.Manifest, error) {
		if *ente != "" {
			m, err := backup.WriteEnte(ctx, src.Store, *ente, v, w, tmpDir)
			if errors.Is(err, store.ErrNotFound) {
				return m, fmt.Errorf("l'ente %q non esiste in questa installazione: nessun backup scritto", *ente)
			}
			return m, err
		}
		return backup.Write(ctx, src, v, w, tmpDir)
	}

	if *out == "" {
		_, err := write(stdout, os.TempDir())
		return err
	}
	dir := filepath.Dir(*out)
	f, err := os.CreateTemp(dir, ".piao-backup-*")
	if err != nil {
		return fmt.Errorf("scrittura di %s: %w", *out, err)
	}
	defer os.Remove(f.Name()) //nolint:errcheck // gone after the rename
	m, err := write(f, dir)
	if err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("scrittura di %s: %w", *out, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("scrittura di %s: %w", *out, err)
	}
	if err := os.Rename(f.Name(), *out); err != nil {
		return fmt.Errorf("scrittura di %s: %w", *out, err)
	}
	var rows int64
	for _, d := range m.Tables {
		rows += d.Rows
	}
	if *ente != "" {
		fmt.Fprintf(stdout, "Backup dell'ente %s scritto in %s: schema versione %d, %d tabelle, %s righe, catena di audit fino all'evento %d (sessioni escluse).\n",
			*ente, *out, v, len(m.Tables), itfmt.Number(float64(rows), 0), m.AuditHead.Seq)
		return nil
	}
	fmt.Fprintf(stdout, "Backup dell'installazione scritto in %s: schema versione %d, %d tabelle, %s righe (sessioni escluse).\n",
		*out, v, len(m.Tables), itfmt.Number(float64(rows), 0))
	return nil
}

// cmdBackupVerify: backup verify FILE — reads a backup through and checks
// its format and every SHA-256 of its manifest, without restoring it.
func cmdBackupVerify(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: backup verify FILE", errUsage)
	}
	c, err := checkBackupFile(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	var rows int64
	for _, d := range c.Manifest.Tables {
		rows += d.Rows
	}
	what := "dell'installazione"
	if c.Header.Kind == backup.KindEnte {
		what = "dell'ente " + c.Header.Ente
	}
	fmt.Fprintf(stdout, "Il file %s è un backup integro %s (formato %s versione %d, creato il %s, schema versione %d): %d tabelle, %s righe.\n",
		args[0], what, c.Header.Format, c.Header.Version, itfmt.DateTime(c.Header.CreatedAt), c.Header.SchemaVersion, len(c.Manifest.Tables), itfmt.Number(float64(rows), 0))
	return nil
}

func checkBackupFile(name string) (*backup.Checked, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("lettura di %s: %w", name, err)
	}
	defer f.Close()
	return backup.Check(f, os.TempDir())
}

// cmdRestore: restore FILE — loads a whole-installation backup into an
// empty database, all or nothing, then verifies it against the manifest; an
// ente's backup (the header says which) goes into an installation without
// that ente, proven before it commits.
func cmdRestore(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: restore FILE", errUsage)
	}
	// The whole file is checked before the database is touched.
	c, err := checkBackupFile(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	latest, err := dbmigrate.Latest()
	if err != nil {
		return err
	}
	t, stop, err := database(ctx, cfg, log, "postgres")
	if err != nil {
		return err
	}
	defer stop()
	pool, err := openPool(ctx, t.owner)
	if err != nil {
		return err
	}
	defer pool.Close()
	if c.Ente != nil {
		return restoreEnte(ctx, c, t.owner, store.New(pool), stdout)
	}
	rep, err := backup.Restore(ctx, c, backup.Target{URL: t.owner, Store: store.New(pool)}, latest)
	if err != nil {
		return err
	}
	if t.appRole != "" {
		if err := dbmigrate.EnsureAppRole(ctx, t.owner, t.appRole, t.appPassword); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "Backup ripristinato e verificato: %d tabelle, %s righe identiche al manifesto; %d allegati (%s byte) e %d documenti di validazione con impronta SHA-256 corretta.\n",
		rep.Tables, itfmt.Number(float64(rep.Rows), 0), rep.Blobs.Attachments, itfmt.Number(float64(rep.Blobs.AttachmentBytes), 0), rep.Blobs.Documents)
	for _, ch := range rep.Chains {
		fmt.Fprintf(stdout, "Catena di audit %s: %d eventi sigillati integri, %d in attesa di sigillo.\n", chainName(ch.Ente), ch.Events, ch.Pending)
	}
	if c.Header.SchemaVersion < latest {
		fmt.Fprintf(stdout, "Lo schema del backup (versione %d) è precedente a quello di questo programma (versione %d): esegui piao migrate up.\n", c.Header.SchemaVersion, latest)
	}
	return nil
}

// restoreEnte is restore FILE for an ente's backup: the target database must
// be at the backup's schema version (rows go in column by column).
func restoreEnte(ctx context.Context, c *backup.Checked, ownerURL string, st *store.Store, stdout io.Writer) error {
	v, dirty, ok, err := dbmigrate.Version(ownerURL)
	if err != nil {
		return err
	}
	if !ok || dirty {
		return errors.New("il database non ha uno schema completo (esegui piao migrate up): nessun ente ripristinato")
	}
	rep, err := backup.RestoreEnte(ctx, c, st, v, "piao restore")
	if err != nil {
		return err
	}
	var rows int64
	for _, d := range rep.Restored {
		rows += d.Rows
	}
	fmt.Fprintf(stdout, "Ente %s ripristinato e verificato: %d tabelle, %s righe identiche al manifesto (con nuovi identificativi); %d allegati (%s byte) e %d documenti di validazione con impronta SHA-256 corretta.\n",
		c.Header.Ente, len(rep.Restored), itfmt.Number(float64(rows), 0), rep.Blobs.Attachments, itfmt.Number(float64(rep.Blobs.AttachmentBytes), 0), rep.Blobs.Documents)
	fmt.Fprintf(stdout, "Catena di audit dell'ente %s: %d eventi verificati nel file (fino a %s), risigillati con i nuovi identificativi (ora fino a %s); evento «Ente ripristinato da backup» registrato.\n",
		c.Header.Ente, rep.OldHead.Seq, rep.OldHead, rep.Chain.Head)
	return nil
}
