package srt

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"

	gosrt "github.com/datarhei/gosrt"

	"github.com/llcast/llcast/ingest"
)

// Refusals the server sends in SRT's handshake, beyond those of
// ingest.Publishers. They are SRT's own codes (the REJX ones are those of
// SRT's access control), so other clients show a sensible text for them.
var (
	errBadStreamID     = errors.New("malformed stream ID")
	errReadNotServed   = errors.New("reading over SRT is not served: use the HLS address")
	errPassphrase      = errors.New("wrong SRT passphrase")
	errNeedPassphrase  = errors.New("the server requires an SRT passphrase")
	errNoPassphrase    = errors.New("the server does not use an SRT passphrase")
	errRefusedInternal = errors.New("internal server error")
)

// refusals maps each refusal to the code it is sent as; the sender maps the
// code back, so Dial's error wraps the same sentinel Authorize returned.
var refusals = []struct {
	err    error
	reason gosrt.RejectionReason
}{
	{ingest.ErrBadKey, gosrt.REJX_UNAUTHORIZED},
	{ingest.ErrUnknownStream, gosrt.REJX_NOTFOUND},
	{ingest.ErrStreamBusy, gosrt.REJX_CONFLICT},
	{errBadStreamID, gosrt.REJX_BAD_REQUEST},
	{errReadNotServed, gosrt.REJX_BAD_MODE},
	{errPassphrase, gosrt.REJ_BADSECRET},
	{errNeedPassphrase, gosrt.REJ_UNSECURE},
	{errNoPassphrase, gosrt.REJ_UNSECURE},
	{errRefusedInternal, gosrt.REJX_ISE},
}

// rejectReason is the code that refuses a publisher for err.
func rejectReason(err error) gosrt.RejectionReason {
	for _, r := range refusals {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return gosrt.REJX_ISE
}

// gosrt reports a refusal only as text, "connection rejected: REJECT (n)",
// with n the reason code in base 32.
var rejectedRE = regexp.MustCompile(`connection rejected: REJECT \(([0-9a-v]+)\)`)

// refusalError turns gosrt's dial error into one that says the server
// refused and why, wrapping the sentinel the code stands for. Any other
// error is returned as it is.
func refusalError(err error) error {
	m := rejectedRE.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	code, perr := strconv.ParseUint(m[1], 32, 32)
	if perr != nil {
		return err
	}
	reason := gosrt.RejectionReason(code)
	for _, r := range refusals {
		if r.reason == reason {
			if reason == gosrt.REJ_UNSECURE {
				return fmt.Errorf("refused: the passphrase is missing, or set where the server has none (SRT code %d)", code)
			}
			return fmt.Errorf("refused: %w", r.err)
		}
	}
	return fmt.Errorf("refused with SRT code %d", code)
}
