package backup

// One ente's backup (kind "ente") shares the container of the installation's:
// a POSIX tar stream, the header first and the manifest last, every other
// entry listed in the manifest with its size and SHA-256. Between them:
//
//   - blobs/TABLE/RANK.COLUMN: the bytes of one binary column of one row
//     (an attachment, a validation document), exactly as stored; the row
//     names the entry in place of the column's value, and comes after it;
//   - tables/NN-TABLE.jsonl: the ente's rows of one table, one JSON object a
//     line (to_jsonb of the row, ids as they were), in dependency order
//     (store.EnteBackupTables).
//
// The manifest adds, for every table, its row count and an id-independent
// digest (store.exportEnte), and the head of the ente's audit chain.
//
// Why not pg_dump here: it copies whole tables, and one ente's rows must go
// into an installation that already holds others, with new ids. Rows are
// streamed one at a time (a blob is held in memory only while it is written),
// and each table's lines pass through a temporary file because a tar entry
// needs its size first.

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
)

// KindEnte and KindInstallation are the header's kinds.
const (
	KindInstallation = "installation"
	KindEnte         = "ente"
)

// ErrSchemaDiffers is returned when an ente's backup was written at another
// schema version than the target database's: rows go in column by column,
// so both must be at the same migration.
var ErrSchemaDiffers = errors.New("backup schema differs from the database's")

// EnteExistsError refuses to restore an ente whose slug the target holds.
type EnteExistsError struct{ Slug string }

func (e *EnteExistsError) Error() string {
	return fmt.Sprintf("ente %q already exists in the target", e.Slug)
}

// SchemaDiffersError gives the two versions; it matches ErrSchemaDiffers.
type SchemaDiffersError struct{ Backup, Database uint }

func (e *SchemaDiffersError) Error() string {
	return fmt.Sprintf("backup at schema %d, database at %d", e.Backup, e.Database)
}
func (e *SchemaDiffersError) Is(target error) bool { return target == ErrSchemaDiffers }

// WriteEnte streams the backup of one ente of st to w.
func WriteEnte(ctx context.Context, st *store.Store, slug string, schemaVersion uint, w io.Writer, tmpDir string) (Manifest, error) {
	tw := tar.NewWriter(w)
	hdr, err := json.MarshalIndent(Header{Format: Format, Version: Version, Kind: KindEnte, Ente: slug,
		CreatedAt: time.Now().UTC().Truncate(time.Second), SchemaVersion: schemaVersion}, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	var m Manifest
	sum, err := writeEntry(tw, headerName, int64(len(hdr)), bytes.NewReader(hdr))
	if err != nil {
		return Manifest{}, err
	}
	m.Files = append(m.Files, sum)
	sink := &enteWriter{tw: tw, tmpDir: tmpDir, m: &m}
	defer sink.drop()
	exp, err := st.ExportEnte(ctx, slug, sink)
	if err != nil {
		return Manifest{}, err
	}
	m.Ente = slug
	m.Tables = exp.Tables
	m.AuditHead = &exp.AuditHead
	m.OpenData = exp.OpenData
	m.Excluded = store.EnteBackupExcluded()
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	if _, err := writeEntry(tw, manifestName, int64(len(mb)), bytes.NewReader(mb)); err != nil {
		return Manifest{}, err
	}
	if err := tw.Close(); err != nil {
		return Manifest{}, fmt.Errorf("backup: write: %w", err)
	}
	return m, nil
}

// enteWriter puts an ente's export into the tar stream.
type enteWriter struct {
	tw     *tar.Writer
	tmpDir string
	m      *Manifest
	table  *os.File // the current table's lines
	bw     *bufio.Writer
	n      int
}

func (e *enteWriter) Blob(table, column string, rank int64, data []byte) (string, error) {
	name := fmt.Sprintf("blobs/%s/%d.%s", table, rank, column)
	sum, err := writeEntry(e.tw, name, int64(len(data)), bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	e.m.Files = append(e.m.Files, sum)
	return name, nil
}

func (e *enteWriter) Row(table string, line []byte) error {
	if e.table == nil {
		f, err := os.CreateTemp(e.tmpDir, "piao-ente-*.jsonl")
		if err != nil {
			return fmt.Errorf("backup: temporary file: %w", err)
		}
		e.table, e.bw = f, bufio.NewWriter(f)
	}
	if _, err := e.bw.Write(line); err != nil {
		return fmt.Errorf("backup: temporary file: %w", err)
	}
	return e.bw.WriteByte('\n')
}

func (e *enteWriter) EndTable(d model.TableDigest) error {
	e.n++
	name := fmt.Sprintf("tables/%02d-%s.jsonl", e.n, d.Table)
	if e.table == nil {
		sum, err := writeEntry(e.tw, name, 0, strings.NewReader(""))
		e.m.Files = append(e.m.Files, sum)
		return err
	}
	defer e.drop()
	if err := e.bw.Flush(); err != nil {
		return fmt.Errorf("backup: temporary file: %w", err)
	}
	size, err := e.table.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("backup: temporary file: %w", err)
	}
	if _, err := e.table.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("backup: temporary file: %w", err)
	}
	sum, err := writeEntry(e.tw, name, size, e.table)
	if err != nil {
		return err
	}
	e.m.Files = append(e.m.Files, sum)
	return nil
}

func (e *enteWriter) drop() {
	if e.table != nil {
		e.table.Close()
		os.Remove(e.table.Name())
		e.table, e.bw = nil, nil
	}
}

// EnteFile is the body of a checked ente backup, copied into a temporary
// directory: one file per entry.
type EnteFile struct {
	dir    string
	paths  map[string]string // entry name → file
	tables map[string]string // table → its entry
}

var (
	blobEntry  = regexp.MustCompile(`^blobs/[a-z_]+/[0-9]+\.[a-z_]+$`)
	tableEntry = regexp.MustCompile(`^tables/[0-9]{2,}-([a-z_]+)\.jsonl$`)
)

// checkEnte reads the entries after the header of an ente's backup to the
// end, copying each into a temporary directory, and compares every entry
// with the manifest. sums holds the header's.
func checkEnte(tr *tar.Reader, c *Checked, sums []FileSum, tmpDir string) error {
	dir, err := os.MkdirTemp(tmpDir, "piao-restore-ente-*")
	if err != nil {
		return fmt.Errorf("backup: temporary directory: %w", err)
	}
	ef := &EnteFile{dir: dir, paths: map[string]string{}, tables: map[string]string{}}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	var mb []byte
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return corrupt("the file ends before %s (truncated?)", manifestName)
		}
		if err != nil {
			return corrupt("not a readable tar stream after %d entries: %v", len(sums), err)
		}
		if h.Name == manifestName {
			if h.Size > 64<<20 {
				return corrupt("%s is %d bytes, too large", manifestName, h.Size)
			}
			if mb, err = io.ReadAll(tr); err != nil {
				return corrupt("%s truncated: %v", manifestName, err)
			}
			break
		}
		tm := tableEntry.FindStringSubmatch(h.Name)
		if tm == nil && !blobEntry.MatchString(h.Name) {
			return corrupt("unexpected entry %q", h.Name)
		}
		if _, dup := ef.paths[h.Name]; dup {
			return corrupt("entry %q twice", h.Name)
		}
		path := filepath.Join(dir, fmt.Sprintf("%06d", len(ef.paths)))
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("backup: temporary file: %w", err)
		}
		hs := sha256.New()
		n, err := io.Copy(io.MultiWriter(f, hs), tr)
		if cerr := f.Close(); err == nil && cerr != nil {
			return fmt.Errorf("backup: temporary file: %w", cerr)
		}
		if err != nil {
			return corrupt("%s truncated: %v", h.Name, err)
		}
		sums = append(sums, FileSum{Name: h.Name, Size: n, SHA256: hex.EncodeToString(hs.Sum(nil))})
		ef.paths[h.Name] = path
		if tm != nil {
			ef.tables[tm[1]] = h.Name
		}
	}
	if err := json.Unmarshal(mb, &c.Manifest); err != nil {
		return corrupt("manifest unreadable: %v", err)
	}
	if _, err := tr.Next(); !errors.Is(err, io.EOF) {
		if err != nil {
			return corrupt("damaged after the manifest: %v", err)
		}
		return corrupt("unexpected entry after the manifest")
	}
	if len(c.Manifest.Files) != len(sums) {
		return corrupt("manifest lists %d files, the backup holds %d", len(c.Manifest.Files), len(sums))
	}
	for i, s := range sums {
		if c.Manifest.Files[i] != s {
			return corrupt("%s: SHA-256 %s (%d bytes), the manifest says %s (%d bytes)",
				s.Name, s.SHA256, s.Size, c.Manifest.Files[i].SHA256, c.Manifest.Files[i].Size)
		}
	}
	if c.Manifest.Ente != c.Header.Ente || c.Manifest.AuditHead == nil {
		return corrupt("manifest of ente %q, header of ente %q", c.Manifest.Ente, c.Header.Ente)
	}
	if len(c.Manifest.Tables) == 0 {
		return corrupt("manifest lists no tables")
	}
	for _, d := range c.Manifest.Tables {
		if _, ok := ef.tables[d.Table]; !ok {
			return corrupt("table %s of the manifest has no entry", d.Table)
		}
	}
	c.Ente = ef
	ok = true
	return nil
}

// Rows implements store.EnteSource.
func (ef *EnteFile) Rows(table string, fn func(line []byte) error) error {
	entry, ok := ef.tables[table]
	if !ok {
		return corrupt("table %s has no entry", table)
	}
	f, err := os.Open(ef.paths[entry])
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			if line[len(line)-1] != '\n' {
				return corrupt("%s: last line unterminated", entry)
			}
			if err := fn(line[:len(line)-1]); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("backup: %s: %w", entry, err)
		}
	}
}

// Blob implements store.EnteSource.
func (ef *EnteFile) Blob(name string) ([]byte, error) {
	p, ok := ef.paths[name]
	if !ok || !blobEntry.MatchString(name) {
		return nil, corrupt("a row names %q, which is not in the file", name)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return b, nil
}

// EnteReport is what RestoreEnte did and proved.
type EnteReport = store.EnteImport

// RestoreEnte loads a checked ente backup into st, whose schema is at
// dbVersion, in one transaction, and proves it before committing (see
// store.ImportEnte). Any difference leaves nothing written and returns a
// *VerifyError.
func RestoreEnte(ctx context.Context, c *Checked, st *store.Store, dbVersion uint, actor string) (EnteReport, error) {
	if c.Ente == nil {
		return EnteReport{}, errors.New("backup: not an ente backup")
	}
	if c.Header.SchemaVersion != dbVersion {
		return EnteReport{}, &SchemaDiffersError{Backup: c.Header.SchemaVersion, Database: dbVersion}
	}
	res, err := st.ImportEnte(ctx, c.Header.Ente, c.Ente, store.EnteImportCheck{
		Tables: c.Manifest.Tables, OpenData: c.Manifest.OpenData, AuditHead: *c.Manifest.AuditHead, Actor: actor,
		Detail: map[string]any{"backup_created_at": c.Header.CreatedAt.Format(time.RFC3339), "schema_version": c.Header.SchemaVersion},
	})
	if errors.Is(err, store.ErrEnteExists) {
		return res, &EnteExistsError{Slug: c.Header.Ente}
	}
	if err != nil {
		return res, err
	}
	if len(res.Problems) > 0 {
		return res, &VerifyError{Problems: res.Problems}
	}
	return res, nil
}
