package lake

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file run landings in child processes (this test binary
// re-executed), to kill them for real or make them race.

func TestMain(m *testing.M) {
	if root := os.Getenv("LAKE_CHILD_ROOT"); root != "" {
		os.Exit(child(root, os.Getenv("LAKE_CHILD_KILL_AT"), os.Getenv("LAKE_CHILD_PAUSE_AT")))
	}
	os.Exit(m.Run())
}

// Exit codes of child.
const (
	childLanded  = 0
	childAlready = 3
	childFailed  = 4
)

// child lands source "crash" (two files) into the lake at root. It kills
// itself with SIGKILL at failpoint killAt, or sleeps 300 ms at pauseAt.
func child(root, killAt, pauseAt string) int {
	failpoint = func(p string) {
		switch p {
		case killAt:
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		case pauseAt:
			time.Sleep(300 * time.Millisecond)
		}
	}
	err := func() error {
		l, err := Open(root)
		if err != nil {
			return err
		}
		txn, err := l.Begin("dossiers", src("crash"))
		if err != nil {
			return err
		}
		for _, p := range [][]Partition{nil, {{"code_financeur", "FT"}}} {
			w, err := NewWriter[event](txn, "dossiers", p, WriteOptions{})
			if err != nil {
				return err
			}
			if _, err := w.Write([]event{{ID: "a"}, {ID: "b"}}); err != nil {
				return err
			}
			if err := w.Close(); err != nil {
				return err
			}
		}
		if _, err = txn.Commit(Summary{Rows: []Rows{{Read: 4, Landed: 4}}}); err != nil {
			txn.Abort()
		}
		return err
	}()
	switch {
	case err == nil:
		return childLanded
	case errors.Is(err, ErrAlreadyLanded):
		return childAlready
	default:
		os.Stderr.WriteString(err.Error() + "\n")
		return childFailed
	}
}

func startChild(t *testing.T, root string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append(env, "LAKE_CHILD_ROOT="+root)...)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	return cmd
}

func exitCode(t *testing.T, cmd *exec.Cmd) (code int, killed bool) {
	t.Helper()
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -1, ws.Signal() == syscall.SIGKILL
		}
		return ee.ExitCode(), false
	}
	require.NoError(t, err)
	return 0, false
}

func TestKilledLandingLeavesNothingVisible(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	for _, point := range []string{fpWriterSynced, fpWriterRenamed, fpCommitLocked, fpManifestSynced} {
		t.Run(point, func(t *testing.T) {
			root := t.TempDir()
			_, killed := exitCode(t, startChild(t, root, "LAKE_CHILD_KILL_AT="+point))
			require.True(t, killed, "child killed by SIGKILL")

			l, err := Open(root)
			require.NoError(t, err)
			snap, err := l.Snapshot("")
			require.NoError(t, err)
			assert.Empty(t, snap.Files(""))
			assert.NotEmpty(t, parquetOnDisk(t, root), "the dead landing left files behind")

			// Landing again (another process) completes; the dead one's lock is free.
			code, _ := exitCode(t, startChild(t, root))
			require.Equal(t, childLanded, code)
			removed, err := l.Collect(0)
			require.NoError(t, err)
			assert.NotEmpty(t, removed)
			snap, err = l.Snapshot("")
			require.NoError(t, err)
			require.Len(t, snap.Files(""), 2)
			assert.Equal(t, paths(snap.Files("")), parquetOnDisk(t, root), "only the committed files remain")
			tmp, err := os.ReadDir(filepath.Join(root, "_tmp"))
			require.NoError(t, err)
			assert.Empty(t, tmp, "no lock or spill left")
			ms, err := os.ReadDir(filepath.Join(root, "_manifests"))
			require.NoError(t, err)
			for _, e := range ms {
				assert.False(t, strings.HasPrefix(e.Name(), ".tmp-"), e.Name())
			}
		})
	}
}

func TestTwoProcessesLandTheSameFile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	root := t.TempDir()
	// Both pass Begin, then pause before committing: exactly one commits.
	a := startChild(t, root, "LAKE_CHILD_PAUSE_AT="+fpCommitStart)
	b := startChild(t, root, "LAKE_CHILD_PAUSE_AT="+fpCommitStart)
	ca, _ := exitCode(t, a)
	cb, _ := exitCode(t, b)
	assert.ElementsMatch(t, []int{childLanded, childAlready}, []int{ca, cb})

	l, err := Open(root)
	require.NoError(t, err)
	ms, err := l.Manifests()
	require.NoError(t, err)
	require.Len(t, ms, 1)
	snap, err := l.Snapshot("")
	require.NoError(t, err)
	assert.Equal(t, paths(snap.Files("")), parquetOnDisk(t, root), "the loser aborted and deleted its files")
}
