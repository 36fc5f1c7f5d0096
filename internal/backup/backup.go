// Package backup writes, checks and restores a whole installation's backup,
// and one ente's (kind "ente", described in ente.go).
//
// A backup file (format "piao-backup", version 1) of the whole installation
// is a POSIX tar stream of three entries, in this order:
//
//  1. piao-backup.json: the header (format, version, kind "installation",
//     creation time, schema version);
//  2. database.dump: pg_dump's custom format of the database, every table's
//     schema and rows except the rows of store.BackupExcluded (sessions,
//     sign-in counters);
//  3. manifest.json: the size and SHA-256 of the two entries above, and for
//     every backed-up table its row count and a SHA-256 of its rows
//     (store.BackupSnapshot), all read in the same snapshot as the dump.
//
// Writing streams the dump through a temporary file (a tar entry needs its
// size first), so memory stays bounded however large the attachments are.
// Check reads a file through to its end before anything is written, so a
// corrupted or truncated file is refused whole.
package backup

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/pgembed"
	"github.com/piao-performance/piao/internal/store"
)

// Format and Version identify the file format; a reader refuses a version it
// does not know.
const (
	Format  = "piao-backup"
	Version = 1

	headerName   = "piao-backup.json"
	dumpName     = "database.dump"
	manifestName = "manifest.json"
)

// Header is the first entry of a backup.
type Header struct {
	Format        string    `json:"format"`
	Version       int       `json:"version"`
	Kind          string    `json:"kind"`           // KindInstallation or KindEnte
	Ente          string    `json:"ente,omitempty"` // the ente's slug, kind "ente" only
	CreatedAt     time.Time `json:"created_at"`
	SchemaVersion uint      `json:"schema_version"`
}

// FileSum is the size and SHA-256 of one entry of the file.
type FileSum struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest is the last entry of a backup.
type Manifest struct {
	Files    []FileSum           `json:"files"`
	Tables   []model.TableDigest `json:"tables"`
	Excluded map[string]string   `json:"excluded_rows"`

	// Kind "ente" only: the ente, and the head of its audit chain as the
	// file holds it (verified event by event before a restore).
	Ente      string           `json:"ente,omitempty"`
	AuditHead *model.AuditHead `json:"audit_head,omitempty"`
	// OpenData: every plan's open-data rows (store.EnteExport.OpenData),
	// which the restored ente must reproduce byte for byte.
	OpenData []model.FileDigest `json:"open_data,omitempty"`
}

// ErrCorrupt is matched by every refusal of a file that is damaged,
// truncated, or not a backup this program can read.
var ErrCorrupt = errors.New("backup file corrupt or unreadable")

// CorruptError says what is wrong with a backup file; it matches ErrCorrupt.
type CorruptError struct{ Reason string }

func (e *CorruptError) Error() string        { return "backup file refused: " + e.Reason }
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

func corrupt(format string, args ...any) error {
	return &CorruptError{Reason: fmt.Sprintf(format, args...)}
}

// ErrNotEmpty is returned by Restore when the target database already holds tables.
var ErrNotEmpty = errors.New("target database is not empty")

// ErrSchemaNewer is returned when the backup's schema is newer than this program's.
var ErrSchemaNewer = errors.New("backup schema newer than this program")

// VerifyError is returned by Restore when the restored data differs from the
// manifest or the audit chain does not verify; Restore has then removed what
// it wrote.
type VerifyError struct{ Problems []string }

func (e *VerifyError) Error() string {
	return "restored data does not match the backup: " + strings.Join(e.Problems, "; ")
}

// Target is a database as the schema's owner sees it.
type Target struct {
	URL   string       // connection URL of the owner (or superuser)
	Store *store.Store // on a pool connected with URL
}

// Write streams a backup of the database at src to w. schemaVersion is the
// database's migration version; tmpDir holds the dump while it is written.
func Write(ctx context.Context, src Target, schemaVersion uint, w io.Writer, tmpDir string) (Manifest, error) {
	pgDump, err := pgembed.ClientTool("pg_dump")
	if err != nil {
		return Manifest{}, err
	}
	dump, err := os.CreateTemp(tmpDir, "piao-backup-*.dump")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: temporary file: %w", err)
	}
	defer os.Remove(dump.Name())
	defer dump.Close()

	excluded := store.BackupExcluded()
	digests, err := src.Store.BackupSnapshot(ctx, func(ctx context.Context, snapshot string) error {
		args := []string{"--format=custom", "--no-owner", "--no-privileges", "--snapshot=" + snapshot, "--file=" + dump.Name()}
		for t := range excluded {
			args = append(args, "--exclude-table-data="+pgx.Identifier{"public", t}.Sanitize())
		}
		return runTool(ctx, pgDump, src.URL, args...)
	})
	if err != nil {
		return Manifest{}, err
	}

	tw := tar.NewWriter(w)
	hdr, err := json.MarshalIndent(Header{Format: Format, Version: Version, Kind: KindInstallation,
		CreatedAt: time.Now().UTC().Truncate(time.Second), SchemaVersion: schemaVersion}, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{Tables: digests, Excluded: excluded}
	sum, err := writeEntry(tw, headerName, int64(len(hdr)), strings.NewReader(string(hdr)))
	if err != nil {
		return Manifest{}, err
	}
	m.Files = append(m.Files, sum)
	info, err := dump.Stat()
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	if sum, err = writeEntry(tw, dumpName, info.Size(), dump); err != nil {
		return Manifest{}, err
	}
	m.Files = append(m.Files, sum)
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	if _, err := writeEntry(tw, manifestName, int64(len(mb)), strings.NewReader(string(mb))); err != nil {
		return Manifest{}, err
	}
	if err := tw.Close(); err != nil {
		return Manifest{}, fmt.Errorf("backup: write: %w", err)
	}
	return m, nil
}

func writeEntry(tw *tar.Writer, name string, size int64, r io.Reader) (FileSum, error) {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: time.Now().UTC().Truncate(time.Second), Format: tar.FormatPAX}); err != nil {
		return FileSum{}, fmt.Errorf("backup: write %s: %w", name, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), r)
	if err != nil {
		return FileSum{}, fmt.Errorf("backup: write %s: %w", name, err)
	}
	if n != size {
		return FileSum{}, fmt.Errorf("backup: %s changed while written (%d of %d bytes)", name, n, size)
	}
	return FileSum{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Checked is a backup file read through and found whole: its header, its
// manifest and the dump, kept in a temporary file until Close.
type Checked struct {
	Header   Header
	Manifest Manifest
	dumpPath string
	Ente     *EnteFile // kind "ente": the body, in place of the dump
}

// Close removes the temporary copy of the dump (or of an ente's entries).
func (c *Checked) Close() error {
	if c.Ente != nil {
		return os.RemoveAll(c.Ente.dir)
	}
	return os.Remove(c.dumpPath)
}

// Check reads a backup from r to its end and verifies its format, version
// and every SHA-256 of the manifest. Any defect returns a *CorruptError.
func Check(r io.Reader, tmpDir string) (*Checked, error) {
	tr := tar.NewReader(r)
	next := func(want string) (*tar.Header, error) {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, corrupt("the file ends before %s (truncated?)", want)
		}
		if err != nil {
			return nil, corrupt("not a readable tar stream before %s: %v", want, err)
		}
		if h.Name != want {
			return nil, corrupt("entry %q where %s was expected", h.Name, want)
		}
		return h, nil
	}
	var sums []FileSum
	readSmall := func(name string) ([]byte, error) {
		h, err := next(name)
		if err != nil {
			return nil, err
		}
		if h.Size > 64<<20 {
			return nil, corrupt("%s is %d bytes, too large", name, h.Size)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, corrupt("%s truncated: %v", name, err)
		}
		s := sha256.Sum256(b)
		sums = append(sums, FileSum{Name: name, Size: int64(len(b)), SHA256: hex.EncodeToString(s[:])})
		return b, nil
	}

	hb, err := readSmall(headerName)
	if err != nil {
		return nil, err
	}
	var c Checked
	if err := json.Unmarshal(hb, &c.Header); err != nil {
		return nil, corrupt("header unreadable: %v", err)
	}
	if c.Header.Format != Format {
		return nil, corrupt("format %q is not %s", c.Header.Format, Format)
	}
	if c.Header.Version < 1 || c.Header.Version > Version {
		return nil, corrupt("format version %d is not one this program reads (up to %d)", c.Header.Version, Version)
	}
	switch c.Header.Kind {
	case KindInstallation:
	case KindEnte:
		if err := checkEnte(tr, &c, sums, tmpDir); err != nil {
			return nil, err
		}
		return &c, nil
	default:
		return nil, corrupt("kind %q is not supported", c.Header.Kind)
	}

	if _, err := next(dumpName); err != nil {
		return nil, err
	}
	dump, err := os.CreateTemp(tmpDir, "piao-restore-*.dump")
	if err != nil {
		return nil, fmt.Errorf("backup: temporary file: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.Remove(dump.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(dump, h), tr)
	if cerr := dump.Close(); err == nil && cerr != nil {
		return nil, fmt.Errorf("backup: temporary file: %w", cerr)
	}
	if err != nil {
		return nil, corrupt("%s truncated: %v", dumpName, err)
	}
	sums = append(sums, FileSum{Name: dumpName, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})

	mb, err := readSmall(manifestName)
	if err != nil {
		return nil, err
	}
	sums = sums[:len(sums)-1] // the manifest does not list itself
	if err := json.Unmarshal(mb, &c.Manifest); err != nil {
		return nil, corrupt("manifest unreadable: %v", err)
	}
	if _, err := tr.Next(); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, corrupt("damaged after the manifest: %v", err)
		}
		return nil, corrupt("unexpected entry after the manifest")
	}
	if len(c.Manifest.Files) != len(sums) {
		return nil, corrupt("manifest lists %d files, the backup holds %d", len(c.Manifest.Files), len(sums))
	}
	for i, s := range sums {
		if c.Manifest.Files[i] != s {
			return nil, corrupt("%s: SHA-256 %s (%d bytes), the manifest says %s (%d bytes)",
				s.Name, s.SHA256, s.Size, c.Manifest.Files[i].SHA256, c.Manifest.Files[i].Size)
		}
	}
	if len(c.Manifest.Tables) == 0 {
		return nil, corrupt("manifest lists no tables")
	}
	c.dumpPath = dump.Name()
	ok = true
	return &c, nil
}

// Restore loads a checked backup into dst, which must hold no tables, in
// one transaction (pg_restore --single-transaction: all or nothing), then
// verifies that every table's rows match the manifest, that stored files
// match their SHA-256 and that every audit chain verifies. latest is the
// newest schema version this program knows.
func Restore(ctx context.Context, c *Checked, dst Target, latest uint) (Report, error) {
	if c.Ente != nil {
		return Report{}, errors.New("backup: an ente's backup is restored by RestoreEnte")
	}
	if c.Header.SchemaVersion > latest {
		return Report{}, fmt.Errorf("%w: backup at schema %d, this program knows up to %d", ErrSchemaNewer, c.Header.SchemaVersion, latest)
	}
	tables, err := dst.Store.SchemaTables(ctx)
	if err != nil {
		return Report{}, err
	}
	if len(tables) > 0 {
		return Report{}, fmt.Errorf("%w: %d tables (%s, …)", ErrNotEmpty, len(tables), tables[0])
	}
	pgRestore, err := pgembed.ClientTool("pg_restore")
	if err != nil {
		return Report{}, err
	}
	if err := runTool(ctx, pgRestore, dst.URL, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", c.dumpPath); err != nil {
		return Report{}, err
	}
	rep, err := Verify(ctx, dst.Store, c.Manifest)
	if err != nil {
		// All or nothing: the database was empty before, leave it so.
		if derr := dst.Store.DropRestoredSchema(context.WithoutCancel(ctx)); derr != nil {
			return rep, fmt.Errorf("%w (and removing the restored data failed: %v)", err, derr)
		}
		return rep, err
	}
	return rep, nil
}

// Report is what Verify found in a restored database.
type Report struct {
	Tables int
	Rows   int64
	Blobs  model.BlobCheck
	Chains []model.ChainReport
}

// Verify compares the database's tables with the manifest, recomputes the
// stored files' SHA-256 and verifies every audit chain.
func Verify(ctx context.Context, st *store.Store, m Manifest) (Report, error) {
	var rep Report
	got, err := st.TableDigests(ctx)
	if err != nil {
		return rep, err
	}
	var problems []string
	want := map[string]model.TableDigest{}
	for _, d := range m.Tables {
		want[d.Table] = d
	}
	for _, d := range got {
		w, ok := want[d.Table]
		switch {
		case !ok:
			if d.Rows > 0 {
				problems = append(problems, fmt.Sprintf("table %s has %d rows not in the backup", d.Table, d.Rows))
			}
		case w.Rows != d.Rows:
			problems = append(problems, fmt.Sprintf("table %s: %d rows, the manifest says %d", d.Table, d.Rows, w.Rows))
		case w.SHA256 != d.SHA256:
			problems = append(problems, fmt.Sprintf("table %s: rows differ from the manifest's digest", d.Table))
		}
		delete(want, d.Table)
		rep.Tables++
		rep.Rows += d.Rows
	}
	for t := range want {
		problems = append(problems, fmt.Sprintf("table %s of the manifest is missing", t))
	}
	if rep.Blobs, err = st.CheckBlobs(ctx); err != nil {
		return rep, err
	}
	if rep.Blobs.BadAttachments > 0 || rep.Blobs.BadDocuments > 0 {
		problems = append(problems, fmt.Sprintf("%d attachments and %d documents do not match their SHA-256", rep.Blobs.BadAttachments, rep.Blobs.BadDocuments))
	}
	if rep.Chains, err = st.VerifyAuditChains(ctx); err != nil {
		return rep, err
	}
	for _, ch := range rep.Chains {
		if ch.BrokenAt != 0 {
			problems = append(problems, fmt.Sprintf("audit chain %q broken at event %d: %s", ch.Ente, ch.BrokenAt, ch.Problem))
		}
	}
	if len(problems) > 0 {
		return rep, &VerifyError{Problems: problems}
	}
	return rep, nil
}

// runTool runs pg_dump or pg_restore against dbURL; the password goes in the
// environment, never on the command line.
func runTool(ctx context.Context, tool, dbURL string, args ...string) error {
	u, err := url.Parse(dbURL)
	if err != nil {
		return fmt.Errorf("backup: database URL: %w", err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PGPASSWORD=") {
			env = append(env, kv)
		}
	}
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
		}
	}
	cmd := exec.CommandContext(ctx, tool, append([]string{"--dbname=" + u.String()}, args...)...)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("backup: %s: %w: %s", tool, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
