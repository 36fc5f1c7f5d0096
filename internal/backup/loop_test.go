package backup_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestBackupLoopRetention: the compose service's schedule
// (tools/backup/backup-loop.sh, run once per call here with a stand-in for
// piao) keeps the newest PIAO_BACKUP_KEEP verified backups; a backup that
// fails verification is removed and rotates nothing away.
func TestBackupLoopRetention(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	stub := filepath.Join(dir, "piao")
	// backup -o FILE writes FILE; backup verify FILE fails when BAD is set.
	if err := os.WriteFile(stub, []byte(`#!/bin/sh
case "$1 $2" in
"backup -o") echo dati > "$3" ;;
"backup verify") [ -z "${BAD:-}" ] ;;
*) exit 2 ;;
esac
`), 0o700); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "backups")
	run := func(bad bool) error {
		cmd := exec.Command("sh", "../../tools/backup/backup-loop.sh", "once")
		cmd.Env = append(os.Environ(), "PIAO_BIN="+stub, "PIAO_BACKUP_DIR="+out, "PIAO_BACKUP_KEEP=2")
		if bad {
			cmd.Env = append(cmd.Env, "BAD=1")
		}
		return cmd.Run()
	}
	list := func() []string {
		m, _ := filepath.Glob(filepath.Join(out, "piao-*.piao-backup"))
		slices.Sort(m)
		return m
	}
	var made []string
	for range 3 {
		if err := run(false); err != nil {
			t.Fatal(err)
		}
		made = append(made, list()[len(list())-1])
		time.Sleep(1100 * time.Millisecond) // the names carry the second
	}
	if got := list(); !slices.Equal(got, made[1:]) {
		t.Errorf("kept %v, want the newest two %v", got, made[1:])
	}
	if err := run(true); err == nil {
		t.Error("a backup that fails verification: exit 0")
	}
	if got := list(); !slices.Equal(got, made[1:]) {
		t.Errorf("after a failed backup: %v, want %v untouched", got, made[1:])
	}
	if m, _ := filepath.Glob(filepath.Join(out, "*")); len(m) != 2 {
		t.Errorf("files left in the folder: %v, want the two backups only", m)
	}
}
