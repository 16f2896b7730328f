package land

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/lake"
)

// Environment of the child process that TestKill9 starts (this test binary
// again) and kills.
const (
	childEnv   = "AGORA_LAND_TEST_CHILD" // lake root
	childPaths = "AGORA_LAND_TEST_PATHS" // files to land, separated by ':'
	childPause = "AGORA_LAND_TEST_PAUSE" // failpoint where the child announces itself and waits to be killed
)

func TestMain(m *testing.M) {
	if root := os.Getenv(childEnv); root != "" {
		os.Exit(child(root))
	}
	os.Exit(m.Run())
}

// child lands the files; at the pause point it writes "<point>" to stdout and sleeps.
func child(root string) int {
	if p := os.Getenv(childPause); p != "" {
		// "point#n" pauses at the n-th hit of the point.
		name, nth, _ := strings.Cut(p, "#")
		n, _ := strconv.Atoi(nth)
		hits := 0
		var mu sync.Mutex
		failpoint = func(point string) error {
			mu.Lock()
			if point == name {
				hits++
			}
			pause := point == name && hits >= n
			mu.Unlock()
			if pause {
				fmt.Println("pause " + p)
				time.Sleep(time.Hour)
			}
			return nil
		}
	}
	fmt.Println("start")
	lk, err := lake.Open(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	key, _ := testKeyRaw()
	s, err := Run(context.Background(), lk, key, strings.Split(os.Getenv(childPaths), ":"), Options{PartRows: 10000})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Println("done", s.Landed)
	return 0
}

// bigDossiers writes a dossiers delivery of n rows, one in 100 with a bad NIR.
func bigDossiers(t testing.TB, path string, n int) (landed, quarantined int64) {
	f, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(strings.Join(header("dossiers"), ";") + "\n")
	r := row("dossiers", nil)
	idCol, nirCol := dictionary.Dossiers.Index("id_dossier"), dictionary.Dossiers.Index("nir")
	for i := 0; i < n; i++ {
		r[idCol] = "D" + strconv.Itoa(i)
		r[nirCol] = nirOf(i)
		if i%100 == 7 {
			r[nirCol] = "295109912611194"
			quarantined++
		} else {
			landed++
		}
		w.WriteString(strings.Join(r, ";"))
		w.WriteByte('\n')
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
	return landed, quarantined
}

// nirOf returns a valid NIR numbered i.
func nirOf(i int) string {
	body := fmt.Sprintf("1850775%06d", i%1000000)
	key, ok := dictionary.NIRKey(body)
	if !ok {
		panic(body)
	}
	return body + key
}

// A landing process killed with SIGKILL at any point leaves nothing visible;
// landing again completes with the right counts, and Collect removes the
// leftovers of the killed process.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("lance des processus")
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	for _, pause := range []string{"lignes", "parquet:dossiers#4", "commit", "timer"} {
		t.Run(pause, func(t *testing.T) {
			e := newEnv(t)
			p := filepath.Join(e.in, "dossiers.csv")
			landed, quarantined := bigDossiers(t, p, 60000)

			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"="+e.lake.Root(), childPaths+"="+p)
			if pause != "timer" {
				cmd.Env = append(cmd.Env, childPause+"="+pause)
			}
			out, err := cmd.StdoutPipe()
			require.NoError(t, err)
			cmd.Stderr = os.Stderr
			require.NoError(t, cmd.Start())
			lines := bufio.NewScanner(out)
			require.True(t, lines.Scan())
			require.Equal(t, "start", lines.Text())
			if pause == "timer" {
				// Kill as soon as the child has written its first Parquet file.
				deadline := time.Now().Add(30 * time.Second)
				for len(parquetFiles(e)) == 0 && time.Now().Before(deadline) {
					time.Sleep(time.Millisecond)
				}
			} else {
				require.True(t, lines.Scan())
				require.Equal(t, "pause "+pause, lines.Text())
			}
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			_ = cmd.Wait()

			ms, err := e.lake.Manifests()
			require.NoError(t, err)
			assert.Empty(t, ms, "nothing committed")
			snap, err := e.lake.Snapshot("")
			require.NoError(t, err)
			assert.Empty(t, snap.Files(""), "nothing visible")
			if pause != "lignes" {
				assert.NotEmpty(t, parquetFiles(e), "the killed process had written files")
			}
			assert.Equal(t, [][]string{{"0"}}, rows(t, e.db(), "SELECT count(*) FROM dossiers"))

			// Landing again completes.
			s := e.land(Options{PartRows: 10000}, p)
			f := s.Files[0]
			require.Equal(t, StatusLanded, f.Status, f.Error)
			assert.Equal(t, landed, f.Landed)
			assert.Equal(t, quarantined, f.Quarantined)
			assert.Equal(t, [][]string{{strconv.FormatInt(landed, 10), "1"}},
				rows(t, e.db(), "SELECT count(*), count(DISTINCT _landing) FROM dossiers"))

			// The killed process's files are garbage, and Collect removes them.
			removed, err := e.lake.Collect(0)
			require.NoError(t, err)
			if pause != "lignes" {
				assert.NotEmpty(t, removed)
			}
			snap, err = e.lake.Snapshot("")
			require.NoError(t, err)
			var visible []string
			for _, f := range snap.Files("") {
				visible = append(visible, f.Path)
			}
			assert.ElementsMatch(t, visible, parquetFiles(e), "only committed files remain")
		})
	}
}
