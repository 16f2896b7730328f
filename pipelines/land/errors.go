package land

import (
	"errors"
	"fmt"
)

// InputError is an error of a landing that the user can fix and that says,
// in French, what to do: an unknown --feed, a delivery path that does not
// exist or is no file, no delivery found, a pseudonymisation key other than
// the lake's, an interrupted landing (run the same command again). Run
// returns every other error (lake I/O, a corrupt manifest, a folder that
// cannot be read while searching it) as it is: those are internal errors.
// Callers sort them with errors.As.
type InputError struct {
	err error
}

// inputErrorf builds an *InputError; %w wraps its cause as fmt.Errorf does.
func inputErrorf(format string, args ...any) *InputError {
	return &InputError{err: fmt.Errorf(format, args...)}
}

// Error returns the message for the user, in French.
func (e *InputError) Error() string { return e.err.Error() }

// Unwrap returns the cause wrapped by the message (context.Canceled for an
// interrupted landing), if any.
func (e *InputError) Unwrap() error { return errors.Unwrap(e.err) }
