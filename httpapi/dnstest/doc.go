// Package dnstest keeps llcast's network probe (httpapi.NetProbe) on
// loopback in tests and the bench, the way net/http/httptest serves tests
// of HTTP code: a small DNS server over TCP on 127.0.0.1 to point the
// probe at, so that the studio says online without asking anything
// outside this machine, and the check that a probe address, or every
// address a server's log says it probed, is a loopback one.
//
// It is for tests and the bench only: llcast itself never imports it. It
// must never import httpapi (whose tests use it), segmenter, ingest,
// player or anything under cmd.
//
// README "Architecture" maps every package and what it may import.
package dnstest
