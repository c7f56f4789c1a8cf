package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"unicode/utf8"
)

// Bounds on what one log line may carry from a request. Text values —
// strings, errors, Stringers — hold paths, user names and stream names that
// any client chooses; a message may quote a client too (net/http's error
// log quotes a TLS client's offer). Both are measured as the log prints
// them, escapes included, so no request adds more than a few hundred bytes
// to a line whatever it sends.
const (
	maxLogValue   = 200
	maxLogMessage = 512
)

// boundedHandler cuts long text before next prints it; see maxLogValue.
// Escaping stays next's: slog's text handler quotes a value that holds a
// control character, so a terminal escape in a path shows as \x1b, and its
// JSON handler (log.format: json) writes \u001b. Widths are measured as the
// text handler prints; JSON prints a value at most half as long again.
type boundedHandler struct {
	next slog.Handler
}

func (h boundedHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h boundedHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, cutForLog(r.Message, maxLogMessage), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(boundAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h boundedHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	bounded := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		bounded[i] = boundAttr(a)
	}
	return boundedHandler{h.next.WithAttrs(bounded)}
}

func (h boundedHandler) WithGroup(name string) slog.Handler {
	return boundedHandler{h.next.WithGroup(name)}
}

// boundAttr cuts a's text, in groups too. Numbers, times and durations
// are short already; other values (slices, maps) are left to next.
func boundAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, cutForLog(v.String(), maxLogValue))
	case slog.KindGroup:
		group := v.Group()
		bounded := make([]any, len(group))
		for i, g := range group {
			bounded[i] = boundAttr(g)
		}
		return slog.Group(a.Key, bounded...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, cutForLog(x.Error(), maxLogValue))
		case fmt.Stringer:
			return slog.String(a.Key, cutForLog(x.String(), maxLogValue))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// cutForLog returns s, or its start and a marker "…(+N bytes)" counting
// what was left out when s would print longer than max bytes quoted. It
// cuts between runes.
func cutForLog(s string, max int) string {
	width := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		width += quotedWidth(r, size)
		if width > max {
			return s[:i] + "…(+" + strconv.Itoa(len(s)-i) + " bytes)"
		}
		i += size
	}
	return s
}

// quotedWidth is how many bytes strconv.Quote, which slog's text handler
// uses, writes for rune r of size bytes.
func quotedWidth(r rune, size int) int {
	switch {
	case r == utf8.RuneError && size == 1:
		return len(`\xff`)
	case r == '"' || r == '\\':
		return 2
	case strconv.IsPrint(r):
		return size
	case r == '\a' || r == '\b' || r == '\f' || r == '\n' || r == '\r' || r == '\t' || r == '\v':
		return len(`\n`)
	case r < ' ' || r == 0x7f:
		return len(`\x1b`)
	case r < 0x10000:
		return len(`\u202e`)
	}
	return len(`\U000e0001`)
}
