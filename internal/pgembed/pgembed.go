// Package pgembed runs a private PostgreSQL cluster for development and tests
// when no DATABASE_URL is given. It uses the PostgreSQL server binaries
// installed on the machine and keeps the cluster's data in a folder of the
// project, so a later start finds the same databases again.
package pgembed

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// superUser is the cluster's only role; initdb creates it.
	superUser = "postgres"
	// systemUser runs the server when we are root, because PostgreSQL
	// refuses to run as root.
	systemUser = "piao-postgres"

	passwordFile = "password"
	// appPasswordFile keeps the password of the application's role, which
	// `piao migrate` creates (see AppPassword).
	appPasswordFile = "app-password"
	pgdataDir       = "pgdata"
	logFile         = "postgres.log"

	// readyTimeout bounds the wait for the first successful connection
	// after pg_ctl reports the server started.
	readyTimeout = 30 * time.Second
	// portAttempts is how often Start retries with a new free port when
	// another process grabbed the one it picked in the meantime.
	portAttempts = 3
)

// Config tells Start where to keep the cluster and how to reach it.
type Config struct {
	Dir    string       // data folder, e.g. "<project>/data/postgres"; created if missing
	Port   int          // 0 = pick a free 127.0.0.1 port
	Logger *slog.Logger // nil = slog.Default()
	// Disposable starts the server without crash safety (fsync,
	// synchronous_commit and full_page_writes off): for the test cluster,
	// whose databases are thrown away, where it makes creating the
	// per-test databases and committing several times faster. A crash
	// may corrupt such a cluster; never set it for data that matters.
	Disposable bool
}

// Cluster is a running PostgreSQL server started by Start.
type Cluster struct {
	dir        string
	pgdata     string
	logPath    string
	port       int
	password   string
	bins       binaries
	runAs      *runAs // nil: run as the current user
	disposable bool
	logger     *slog.Logger

	mu      sync.Mutex
	stopped bool
	// attached is set when Start found the cluster already running in
	// another process: Stop then leaves it running.
	attached bool
}

type binaries struct {
	pgCtl, initdb, postgres string
}

// runAs is the unprivileged system user that owns and runs the cluster when
// the process is root.
type runAs struct {
	uid, gid uint32
}

// Start starts the cluster kept in cfg.Dir, creating it on first use, and
// returns once a client can log in with the stored password.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	if cfg.Dir == "" {
		return nil, errors.New("pgembed: Config.Dir is empty")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("pgembed: resolve data folder: %w", err)
	}

	bins, err := ensureBinaries(ctx, logger)
	if err != nil {
		return nil, err
	}

	c := &Cluster{
		dir:        dir,
		pgdata:     filepath.Join(dir, pgdataDir),
		logPath:    filepath.Join(dir, logFile),
		bins:       bins,
		logger:     logger,
		disposable: cfg.Disposable,
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("pgembed: create data folder: %w", err)
	}
	if os.Geteuid() == 0 {
		if c.runAs, err = ensureSystemUser(ctx, logger); err != nil {
			return nil, err
		}
		if err := c.prepareForSystemUser(); err != nil {
			return nil, err
		}
	}

	initialized, err := fileExists(filepath.Join(c.pgdata, "PG_VERSION"))
	if err != nil {
		return nil, fmt.Errorf("pgembed: inspect data folder: %w", err)
	}
	if initialized {
		running, err := c.running(ctx)
		if err != nil {
			return nil, err
		}
		if c.password, err = readPassword(filepath.Join(dir, passwordFile)); err != nil {
			return nil, err
		}
		if running {
			// Another process (`make run`, a second `piao` command) holds
			// the cluster: use it as it is and leave stopping it to its owner.
			if err := c.attach(ctx); err != nil {
				return nil, err
			}
			logger.Info("using the running embedded PostgreSQL", "port", c.port, "dir", dir)
			return c, nil
		}
	} else if err := c.initdb(ctx); err != nil {
		return nil, err
	}

	if err := c.start(ctx, cfg.Port); err != nil {
		return nil, err
	}
	logger.Info("embedded PostgreSQL started", "port", c.port, "dir", dir)
	return c, nil
}

// URL returns a connection string for database on this cluster.
func (c *Cluster) URL(database string) string {
	return c.RoleURL(superUser, c.password, database)
}

// RoleURL returns a connection string for database on this cluster as role.
func (c *Cluster) RoleURL(role, password, database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(role, password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// AppPassword returns the password of the application's role, generated on
// first use and kept next to the superuser's: the cluster authenticates
// every role by password (scram-sha-256).
func (c *Cluster) AppPassword() (string, error) {
	path := filepath.Join(c.dir, appPasswordFile)
	if ok, err := fileExists(path); err != nil {
		return "", fmt.Errorf("pgembed: inspect app password: %w", err)
	} else if ok {
		return readPassword(path)
	}
	pw, err := newPassword()
	if err != nil {
		return "", err
	}
	if err := writePassword(path, pw); err != nil {
		return "", err
	}
	return pw, nil
}

// Port returns the TCP port the server listens on at 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// Stop shuts the server down with a fast shutdown: open sessions are ended
// and their transactions rolled back. Calling Stop again does nothing.
func (c *Cluster) Stop(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil
	}
	if c.attached {
		c.stopped = true
		return nil
	}
	out, err := c.pgCtl(ctx, "-D", c.pgdata, "-m", "fast", "-w", "-t", "60", "stop")
	if err != nil {
		// A server that is already gone (crashed, stopped by hand) is
		// the state the caller asked for.
		if running, serr := c.running(ctx); serr == nil && !running {
			c.stopped = true
			return nil
		}
		return fmt.Errorf("pgembed: stop server: %w: %s", err, strings.TrimSpace(string(out)))
	}
	c.stopped = true
	c.logger.Info("embedded PostgreSQL stopped", "port", c.port, "dir", c.dir)
	return nil
}

// Attached reports whether the cluster was already running in another
// process when Start was called; Stop then leaves it running.
func (c *Cluster) Attached() bool { return c.attached }

// attach connects to a cluster another process started on the same data
// folder: the port is the fourth line of postmaster.pid, the password the
// one stored beside the cluster.
func (c *Cluster) attach(ctx context.Context) error {
	port, err := readPidPort(filepath.Join(c.pgdata, "postmaster.pid"))
	if err != nil {
		return fmt.Errorf("pgembed: PostgreSQL is already running on data folder %s but its port cannot be read: %w", c.dir, err)
	}
	c.port = port
	c.attached = true
	if err := c.waitReady(ctx); err != nil {
		return fmt.Errorf("pgembed: PostgreSQL is already running on data folder %s (port %d) but does not accept our login: %w", c.dir, port, err)
	}
	return nil
}

// readPidPort returns the port recorded in a postmaster.pid file (line 4,
// see PostgreSQL's pidfile.h).
func readPidPort(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 {
		return 0, fmt.Errorf("%s: no port line", path)
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil || port <= 0 || port > 65535 {
		return 0, fmt.Errorf("%s: bad port line %q", path, lines[3])
	}
	return port, nil
}

// start runs pg_ctl start and waits until a client can log in. With port 0
// it picks a free port, and picks again if another process took it first.
func (c *Cluster) start(ctx context.Context, port int) error {
	if err := c.ensureLogFile(); err != nil {
		return err
	}
	attempts := 1
	if port == 0 {
		attempts = portAttempts
	}
	var lastErr error
	for range attempts {
		p := port
		if p == 0 {
			var err error
			if p, err = freePort(); err != nil {
				return err
			}
		}
		logStart := fileSize(c.logPath)
		opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=''", p)
		if c.disposable {
			// PostgreSQL's "non-durable settings" (server documentation,
			// chapter "Performance Tips").
			opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
		}
		out, err := c.pgCtl(ctx, "-D", c.pgdata, "-l", c.logPath, "-p", c.bins.postgres, "-w", "-t", "60", "-o", opts, "start")
		if err != nil {
			tail := logTail(c.logPath, logStart)
			lastErr = fmt.Errorf("pgembed: start server on port %d: %w: %s\n--- %s ---\n%s",
				p, err, strings.TrimSpace(string(out)), c.logPath, tail)
			if port == 0 && strings.Contains(tail, "could not bind") {
				continue
			}
			return lastErr
		}
		c.port = p
		if err := c.waitReady(ctx); err != nil {
			tail := logTail(c.logPath, logStart)
			stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if serr := c.Stop(stopCtx); serr != nil {
				c.logger.Warn("pgembed: stop after failed start", "err", serr)
			}
			return fmt.Errorf("pgembed: server on port %d not accepting logins: %w\n--- %s ---\n%s", p, err, c.logPath, tail)
		}
		return nil
	}
	return lastErr
}

// waitReady polls until a login with the password succeeds. pg_ctl -w
// already waited for the postmaster, so this mostly proves the password and
// the TCP listener work.
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// initdb creates a new cluster whose superuser logs in with a fresh random
// password, stored in Dir/password for the application to read.
func (c *Cluster) initdb(ctx context.Context) error {
	if entries, err := os.ReadDir(c.pgdata); err == nil && len(entries) > 0 {
		// Without PG_VERSION this is not a cluster (an interrupted initdb?);
		// deleting it is the user's call, not ours.
		return fmt.Errorf("pgembed: %s is not empty but holds no PostgreSQL cluster (no PG_VERSION); remove it to start afresh", c.pgdata)
	}
	password, err := newPassword()
	if err != nil {
		return err
	}
	if err := writePassword(filepath.Join(c.dir, passwordFile), password); err != nil {
		return err
	}

	// initdb reads the password from a file so it never shows in a process
	// listing; the file must be readable by the user initdb runs as.
	pw, err := os.CreateTemp(c.dir, ".pwfile-*")
	if err != nil {
		return fmt.Errorf("pgembed: create password file for initdb: %w", err)
	}
	defer os.Remove(pw.Name())
	if _, err := pw.WriteString(password + "\n"); err != nil {
		pw.Close()
		return fmt.Errorf("pgembed: write password file for initdb: %w", err)
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("pgembed: write password file for initdb: %w", err)
	}
	if c.runAs != nil {
		if err := os.Chown(pw.Name(), int(c.runAs.uid), int(c.runAs.gid)); err != nil {
			return fmt.Errorf("pgembed: chown password file for initdb: %w", err)
		}
	}

	c.logger.Info("initializing embedded PostgreSQL cluster", "dir", c.dir)
	args := []string{"-D", c.pgdata, "-U", superUser, "--auth=scram-sha-256", "--pwfile=" + pw.Name(), "-E", "UTF8"}
	out, err := c.run(ctx, c.bins.initdb, append(args, "--locale=C.UTF-8")...)
	if err != nil {
		// Older systems lack the C.UTF-8 locale; plain C with UTF8
		// encoding works everywhere. initdb cleans up after a failure.
		c.logger.Info("pgembed: initdb with C.UTF-8 failed, retrying with locale C", "output", strings.TrimSpace(string(out)))
		out, err = c.run(ctx, c.bins.initdb, append(args, "--locale=C")...)
	}
	if err != nil {
		return fmt.Errorf("pgembed: initdb: %w: %s", err, strings.TrimSpace(string(out)))
	}
	c.password = password
	return nil
}

// running reports whether pg_ctl sees a live postmaster for the data folder.
func (c *Cluster) running(ctx context.Context) (bool, error) {
	out, err := c.pgCtl(ctx, "-D", c.pgdata, "status")
	if err == nil {
		return true, nil
	}
	var exitErr *exec.ExitError
	// pg_ctl status: 3 = not running, 4 = no accessible data directory.
	if errors.As(err, &exitErr) && (exitErr.ExitCode() == 3 || exitErr.ExitCode() == 4) {
		return false, nil
	}
	return false, fmt.Errorf("pgembed: pg_ctl status: %w: %s", err, strings.TrimSpace(string(out)))
}

func (c *Cluster) pgCtl(ctx context.Context, args ...string) ([]byte, error) {
	return c.run(ctx, c.bins.pgCtl, args...)
}

// run executes a server binary as the cluster's owner and returns its
// combined output.
func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = c.dir
	cmd.Env = c.env()
	// The postmaster that pg_ctl forks writes to the log file, but guard
	// against it keeping our output pipe open anyway.
	cmd.WaitDelay = 5 * time.Second
	if c.runAs != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Credential: &syscall.Credential{Uid: c.runAs.uid, Gid: c.runAs.gid},
		}
	}
	c.logger.Debug("pgembed: run", "cmd", cmd.String())
	return cmd.CombinedOutput()
}

// env is our environment without PG* variables, which would otherwise
// redirect the server tools (PGDATA, PGPORT, ...), and with a HOME the
// system user can use.
func (c *Cluster) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || (c.runAs != nil && strings.HasPrefix(kv, "HOME=")) {
			continue
		}
		env = append(env, kv)
	}
	if c.runAs != nil {
		env = append(env, "HOME="+c.dir)
	}
	return env
}

// prepareForSystemUser hands the data folder to the system user and makes
// sure that user can reach it. The password file stays with the invoking
// user, who is the one that reads it.
func (c *Cluster) prepareForSystemUser() error {
	if err := traversableParents(c.dir); err != nil {
		return err
	}
	skip := map[string]bool{filepath.Join(c.dir, passwordFile): true, filepath.Join(c.dir, appPasswordFile): true}
	uid, gid := int(c.runAs.uid), int(c.runAs.gid)
	err := filepath.WalkDir(c.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if skip[path] {
			return nil
		}
		info, err := os.Lstat(path)
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) == uid && int(st.Gid) == gid {
			return nil
		}
		return os.Lchown(path, uid, gid)
	})
	if err != nil {
		return fmt.Errorf("pgembed: give data folder to %s: %w", systemUser, err)
	}
	return nil
}

// ensureLogFile creates the server log up front so the system user owns it
// even when the folder was handed over before the log existed.
func (c *Cluster) ensureLogFile() error {
	f, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("pgembed: create server log: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("pgembed: create server log: %w", err)
	}
	if c.runAs != nil {
		if err := os.Chown(c.logPath, int(c.runAs.uid), int(c.runAs.gid)); err != nil {
			return fmt.Errorf("pgembed: chown server log: %w", err)
		}
	}
	return nil
}

// traversableParents adds o+x to each ancestor of dir that lacks it, so the
// system user can reach dir (e.g. a 0700 root-owned test temp folder). It
// changes no other bits.
func traversableParents(dir string) error {
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		info, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("pgembed: inspect %s: %w", p, err)
		}
		if info.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(p, info.Mode()|0o001); err != nil {
				return fmt.Errorf("pgembed: make %s traversable: %w", p, err)
			}
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// ensureSystemUser returns the system user that runs the server as root,
// creating it on first use.
func ensureSystemUser(ctx context.Context, logger *slog.Logger) (*runAs, error) {
	u, err := user.Lookup(systemUser)
	if err != nil {
		logger.Info("pgembed: creating system user", "user", systemUser)
		out, cerr := exec.CommandContext(ctx, "useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", systemUser).CombinedOutput()
		if cerr != nil {
			return nil, fmt.Errorf("pgembed: create system user %s: %w: %s", systemUser, cerr, strings.TrimSpace(string(out)))
		}
		if u, err = user.Lookup(systemUser); err != nil {
			return nil, fmt.Errorf("pgembed: look up system user %s: %w", systemUser, err)
		}
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgembed: uid of %s: %w", systemUser, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgembed: gid of %s: %w", systemUser, err)
	}
	return &runAs{uid: uint32(uid), gid: uint32(gid)}, nil
}

// ensureBinaries finds the server binaries and, as root, installs Debian's
// postgresql package when they are missing.
func ensureBinaries(ctx context.Context, logger *slog.Logger) (binaries, error) {
	if b, ok := findBinaries(); ok {
		return b, nil
	}
	if os.Geteuid() != 0 {
		return binaries{}, errors.New("pgembed: PostgreSQL server binaries not found: install them with `sudo apt-get install postgresql` (or set DATABASE_URL)")
	}
	logger.Info("pgembed: PostgreSQL server binaries not found, installing the postgresql package")
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	for _, args := range [][]string{
		{"update"},
		{"install", "-y", "-o", "Dpkg::Options::=--force-confdef", "postgresql"},
	} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return binaries{}, fmt.Errorf("pgembed: apt-get %s: %w: %s", args[0], err, lastLines(string(out), 20))
		}
	}
	if b, ok := findBinaries(); ok {
		return b, nil
	}
	return binaries{}, errors.New("pgembed: PostgreSQL server binaries still not found after installing the postgresql package")
}

// findBinaries prefers the newest /usr/lib/postgresql/<N>/bin, where Debian
// keeps a matching set, over whatever is on PATH.
func findBinaries() (binaries, bool) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(d string) float64 {
		v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(d)), 64)
		if err != nil {
			return -1
		}
		return v
	}
	sort.SliceStable(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if version(d) < 0 {
			continue
		}
		b := binaries{
			pgCtl:    filepath.Join(d, "pg_ctl"),
			initdb:   filepath.Join(d, "initdb"),
			postgres: filepath.Join(d, "postgres"),
		}
		if isExecutable(b.pgCtl) && isExecutable(b.initdb) && isExecutable(b.postgres) {
			return b, true
		}
	}
	var b binaries
	var err error
	for _, p := range []struct {
		name string
		dst  *string
	}{{"pg_ctl", &b.pgCtl}, {"initdb", &b.initdb}, {"postgres", &b.postgres}} {
		if *p.dst, err = exec.LookPath(p.name); err != nil {
			return binaries{}, false
		}
	}
	return b, true
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0
}

func newPassword() (string, error) {
	buf := make([]byte, 24)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("pgembed: generate password: %w", err)
	}
	// 32 URL-safe characters: usable in a connection URL unescaped.
	return base64.RawURLEncoding.EncodeToString(buf), nil
}

// writePassword replaces the password file atomically, readable only by the
// invoking user.
func writePassword(path, password string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".password-*")
	if err != nil {
		return fmt.Errorf("pgembed: write password file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(password + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("pgembed: write password file: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("pgembed: write password file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("pgembed: write password file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("pgembed: write password file: %w", err)
	}
	return nil
}

func readPassword(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("pgembed: read password of existing cluster: %w", err)
	}
	pw := strings.TrimSpace(string(b))
	if pw == "" {
		return "", fmt.Errorf("pgembed: password file %s is empty", path)
	}
	return pw, nil
}

// freePort asks the kernel for an unused port. Another process may take it
// before the server binds it; start retries in that case.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgembed: find free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("pgembed: find free port: %w", err)
	}
	return port, nil
}

func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, err
}

func fileSize(path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return info.Size()
}

// logTail returns the last lines the server logged since offset, which is
// where the reason for a failed start is.
func logTail(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(cannot read server log: %v)", err)
	}
	defer f.Close()
	const maxTail = 8 << 10
	if size := fileSize(path); size-offset > maxTail {
		offset = size - maxTail
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return fmt.Sprintf("(cannot read server log: %v)", err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return fmt.Sprintf("(cannot read server log: %v)", err)
	}
	return lastLines(string(b), 30)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// ClientTool returns the path of a PostgreSQL client program (pg_dump,
// pg_restore) from the same Debian postgresql installation the cluster uses:
// the newest /usr/lib/postgresql/<N>/bin, else PATH. Nothing is downloaded.
func ClientTool(name string) (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, bestVersion := "", -1.0
	for _, d := range dirs {
		v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(d)), 64)
		if err != nil || v <= bestVersion || !isExecutable(filepath.Join(d, name)) {
			continue
		}
		best, bestVersion = filepath.Join(d, name), v
	}
	if best != "" {
		return best, nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("pgembed: %s not found: install the postgresql-client package (apt-get install postgresql-client)", name)
	}
	return p, nil
}
