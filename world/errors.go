package world

import (
	"errors"
	"fmt"
)

// Code classifies an Error; the transport maps each code to one status.
type Code string

// Error codes.
const (
	Unauthorized Code = "unauthorized" // the key is missing, malformed or unknown
	Forbidden    Code = "forbidden"    // the key may not do this: another team, or a missing scope
	NotFound     Code = "not_found"    // the project or task does not exist
	Invalid      Code = "invalid"      // the request breaks a documented rule
	Internal     Code = "internal"     // anything else; its message is never shown
)

// Error is the one error type the domain returns.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, Internal for an error that is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// The documented messages, and those API.md decides where the docs are silent.
const (
	MsgInvalidKey             = "Invalid or missing API key"
	MsgWrongTeam              = "API key does not grant access to this team"
	MsgMissingScope           = "API key lacks the required scope: %s"
	MsgTaskNotFound           = "Task not found"
	MsgProjectNotFound        = "Project not found"
	MsgAlreadyApproved        = "Task is already approved"
	MsgApproveProcessing      = "Task cannot be approved while being processed"
	MsgAlreadyDisapproved     = "Task is already disapproved"
	MsgDisapproveProcessing   = "Task cannot be disapproved while being processed"
	MsgCompleteNotReviewing   = "Only tasks in REVIEWING state can be completed"
	MsgCompleteProcessStarted = "Task processing started"
)
