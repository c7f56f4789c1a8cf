package srt

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	gosrt "github.com/datarhei/gosrt"

	"github.com/llcast/llcast/ingest"
)

// gosrtRejection is the error gosrt's Dial returns for a refusal.
func gosrtRejection(r gosrt.RejectionReason) error {
	return fmt.Errorf("connection rejected: REJECT (%s)", strconv.FormatUint(uint64(r), 32))
}

func TestRefusalRoundTrip(t *testing.T) {
	for _, c := range []struct {
		err  error
		want error  // what Dial's error wraps
		says string // or what it says
	}{
		{ingest.ErrBadKey, ingest.ErrBadKey, ""},
		{fmt.Errorf("checking: %w", ingest.ErrUnknownStream), ingest.ErrUnknownStream, ""},
		{ingest.ErrStreamBusy, ingest.ErrStreamBusy, ""},
		{errPassphrase, errPassphrase, ""},
		{errNeedPassphrase, nil, "passphrase"},
		{errNoPassphrase, nil, "passphrase"},
		{errReadNotServed, errReadNotServed, ""},
		{fmt.Errorf("%w: %w", errBadStreamID, errStreamName), errBadStreamID, ""},
		{errors.New("database is down"), errRefusedInternal, ""},
	} {
		t.Run(c.err.Error(), func(t *testing.T) {
			got := refusalError(gosrtRejection(rejectReason(c.err)))
			if !strings.HasPrefix(got.Error(), "refused") {
				t.Errorf("%q does not say refused", got)
			}
			if c.want != nil && !errors.Is(got, c.want) {
				t.Errorf("%q does not wrap %q", got, c.want)
			}
			if !strings.Contains(got.Error(), c.says) {
				t.Errorf("%q does not say %q", got, c.says)
			}
		})
	}
}

func TestRefusalErrorOthers(t *testing.T) {
	timeout := errors.New("connection timeout. server didn't respond")
	if got := refusalError(timeout); got != timeout {
		t.Errorf("a timeout became %q", got)
	}
	if got := refusalError(gosrtRejection(gosrt.REJ_BACKLOG)); got.Error() != "refused with SRT code 1005" {
		t.Errorf("an unknown code became %q", got)
	}
}
