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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := execute(ctx, newRoot())
	stop()
	if err != nil {
		var ue *userError
		if errors.As(err, &ue) {
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

// userErrorf builds a user-facing error that exits with status 1.
func userErrorf(format string, args ...any) error {
	return &userError{msg: fmt.Sprintf(format, args...), code: 1}
}
