package main

import (
	"fmt"
	"slices"
	"strings"
)

// hlsFinding is a rule the stream breaks.
type hlsFinding struct {
	Must bool   // a MUST of a specification or of the product; else a SHOULD
	Rule string // short name, e.g. "part-hold-back"
	Ref  string // where the rule is written
	Text string
}

// hlsReport collects the findings and the playlists they are about.
type hlsReport struct {
	Findings  []hlsFinding
	playlists []string // "URL\ntext" of each playlist, as last fetched
}

func (r *hlsReport) add(must bool, rule, ref, format string, args ...any) {
	f := hlsFinding{Must: must, Rule: rule, Ref: ref, Text: fmt.Sprintf(format, args...)}
	if !slices.Contains(r.Findings, f) {
		r.Findings = append(r.Findings, f)
	}
}

func (r *hlsReport) must(rule, ref, format string, args ...any) {
	r.add(true, rule, ref, format, args...)
}

func (r *hlsReport) should(rule, ref, format string, args ...any) {
	r.add(false, rule, ref, format, args...)
}

// broken reports whether a MUST rule is broken, or with rule set, that one
// (MUST or SHOULD).
func (r *hlsReport) broken(rule string) bool {
	return slices.ContainsFunc(r.Findings, func(f hlsFinding) bool {
		return (rule == "" && f.Must) || f.Rule == rule
	})
}

func (r *hlsReport) String() string {
	var b strings.Builder
	for _, must := range []bool{true, false} {
		for _, f := range r.Findings {
			if f.Must == must {
				level := map[bool]string{true: "MUST  ", false: "SHOULD"}[must]
				fmt.Fprintf(&b, "%s %-22s %s [%s]\n", level, f.Rule, f.Text, f.Ref)
			}
		}
	}
	for _, p := range r.playlists {
		fmt.Fprintf(&b, "\n--- %s\n", p)
	}
	return b.String()
}
