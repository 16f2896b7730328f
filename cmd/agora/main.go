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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	cmd, err := newRoot().ExecuteContextC(ctx)
	stop()
	if err != nil {
		err = cliErrorFR(cmd, err)
		var ue *userError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "agora :", ue.msg)
			os.Exit(ue.code)
		}
		fmt.Fprintln(os.Stderr, "agora : erreur :", err)
		os.Exit(1)
	}
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
