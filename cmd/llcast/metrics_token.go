package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/llcast/llcast/httpapi"
)

const metricsTokenUsage = `Usage: llcast metrics-token [--rotate] [--data DIR]

Prints the token that reads /metrics: a scraper such as Prometheus sends
it as "Authorization: Bearer TOKEN". It is kept in DIR/metrics.token
(mode 0600); llcast serve makes it on first start, and this command makes
it when it is missing. Admins logged in on the web need no token.

With --rotate it makes a new token: a running llcast accepts the new one,
and no longer the old one, from its next scrape on. Update the scrapers.

The token alone goes to standard output, so that it can go into a file
(Prometheus: authorization: credentials_file). See README "Monitoring".

Flags:
`

func runMetricsToken(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("metrics-token", metricsTokenUsage, stderr)
	rotate := fs.Bool("rotate", false, "make a new token; the old one stops working")
	dataFlag := fs.String("data", "", "state `dir`ectory (default: as llcast serve; LLCAST_DATA)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	dataDir, err := dataDirFor(*dataFlag)
	if err != nil {
		return err
	}
	path := filepath.Join(dataDir, httpapi.MetricsTokenFile)
	if !*rotate {
		token, err := httpapi.LoadOrCreateMetricsToken(path)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, token)
		return nil
	}
	token, err := httpapi.RotateMetricsToken(path)
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, "llcast: made a new metrics token; the old one no longer reads /metrics")
	fmt.Fprintln(stdout, token)
	return nil
}
