// Command agora is the analytics warehouse of vocational-training outcomes:
// it generates synthetic deliveries, lands partner files into the lake, builds
// the SQL models, publishes dashboards and open data, and serves indicators.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/warehouse"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := execute(ctx, newRoot())
	stop()
	if err != nil {
		if ue := asUserError(err); ue != nil {
			fmt.Fprintln(os.Stderr, "agora :", ue.msg)
			os.Exit(ue.code)
		}
		fmt.Fprintln(os.Stderr, "agora : erreur :", err)
		os.Exit(1)
	}
}

// execute runs the command line of root; its errors about the command line
// itself come back in French (cliErrorFR).
func execute(ctx context.Context, root *cobra.Command) error {
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		return cliErrorFR(cmd, err)
	}
	return nil
}

// userError is an error whose message is meant for the user as it is (in French,
// saying what to do); other errors are reported as internal errors.
type userError struct {
	msg  string
	code int
}

func (e *userError) Error() string { return e.msg }

// asUserError returns err as the user's error when it is one, by its type:
// a *userError of cmd, or an error of another package whose message is
// written for the user (an invalid --memoire, a corrupt lake manifest to
// restore from a backup). It returns nil for the others, reported as
// internal errors.
func asUserError(err error) *userError {
	var ue *userError
	if errors.As(err, &ue) {
		return ue
	}
	var memory *warehouse.MemoryLimitError
	if errors.As(err, &memory) {
		return &userError{msg: memory.Error(), code: 1}
	}
	var corrupt *lake.CorruptManifestError
	if errors.As(err, &corrupt) {
		return &userError{msg: corrupt.Error(), code: 1}
	}
	return nil
}

// memoryHelp is the help of the --memoire flag of the commands that open
// DuckDB on the data root.
const memoryHelp = "mémoire maximale de DuckDB (ex. 8GB, 8Go, 512Mo ; au-delà, il écrit dans <racine>/tmp)"

// checkMemory checks a --memoire value before the command does anything
// and writes it as DuckDB reads it (8Go → 8GB); an invalid value is a
// *warehouse.MemoryLimitError, which says in French what to write.
func checkMemory(memory *string) error {
	limit, err := warehouse.ParseMemoryLimit(*memory)
	if err != nil {
		return err
	}
	*memory = limit
	return nil
}

// userErrorf builds a user-facing error that exits with status 1.
func userErrorf(format string, args ...any) error {
	return &userError{msg: fmt.Sprintf(format, args...), code: 1}
}
