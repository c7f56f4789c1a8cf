package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/llcast/llcast/configs"
	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/ingest/rtmp"
	"github.com/llcast/llcast/ingest/srt"
	"github.com/llcast/llcast/segmenter"
)

// pushServers are the listeners publishers push to; nil ones are off.
type pushServers struct {
	rtmp, rtmps *rtmp.Server
	srt         *srt.Server
}

// startPushServers binds RTMP, RTMPS (with TLS) and SRT as configured and
// hands their publishers to hub.
func startPushServers(cfg configs.Config, tlsConf *tls.Config, hub *segmenter.Hub, log *slog.Logger) (*pushServers, error) {
	s := &pushServers{}
	fail := func(what, key, addr string, err error) (*pushServers, error) {
		s.Close()
		return nil, fmt.Errorf("listening on %s for %s: %w (set %s to another HOST:PORT, or to \"\" to turn %s off)",
			addr, what, err, key, what)
	}
	if addr := cfg.RTMP.Listen; addr != "" {
		s.rtmp = &rtmp.Server{Listen: addr, Publishers: hub, Logger: log}
		if err := s.rtmp.Start(); err != nil {
			s.rtmp = nil
			return fail("RTMP", "rtmp.listen", addr, err)
		}
	}
	if addr := cfg.RTMP.TLSListen; addr != "" && tlsConf != nil {
		s.rtmps = &rtmp.Server{Listen: addr, TLSConfig: tlsConf, Publishers: hub, Logger: log}
		if err := s.rtmps.Start(); err != nil {
			s.rtmps = nil
			return fail("RTMPS", "rtmp.tls_listen", addr, err)
		}
	}
	if addr := cfg.SRT.Listen; addr != "" {
		s.srt = &srt.Server{Listen: addr, Passphrase: cfg.SRT.Passphrase, Publishers: hub, Logger: log}
		if err := s.srt.Start(); err != nil {
			s.srt = nil
			return fail("SRT", "srt.listen", addr, err)
		}
	}
	return s, nil
}

// ports says where publishers reach the servers, for the publish URLs.
func (s *pushServers) ports(passphrase bool) auth.PublishPorts {
	port := func(a net.Addr) string {
		_, p, _ := net.SplitHostPort(a.String())
		return p
	}
	var p auth.PublishPorts
	if s.rtmp != nil {
		p.RTMP = port(s.rtmp.Addr())
	}
	if s.rtmps != nil {
		p.RTMPS = port(s.rtmps.Addr())
	}
	if s.srt != nil {
		p.SRT, p.SRTPassphrase = port(s.srt.Addr()), passphrase
	}
	return p
}

// printPushHelp tells the streamer where encoders push to.
func (s *pushServers) printPushHelp(w io.Writer, host string, passphrase bool) {
	u := auth.NewPublishURLs(host, s.ports(passphrase), "NAME", "KEY")
	if u.RTMP == "" && u.RTMPS == "" && u.SRT == "" {
		return
	}
	fmt.Fprintln(w, "OBS, ffmpeg and llcast push publish to (`llcast stream add NAME` makes a stream and its KEY):")
	for _, url := range []string{u.RTMP, u.RTMPS, u.SRT} {
		if url != "" {
			fmt.Fprintf(w, "  %s\n", url)
		}
	}
}

// Close stops the listeners and disconnects their publishers.
func (s *pushServers) Close() {
	for _, srv := range []*rtmp.Server{s.rtmp, s.rtmps} {
		if srv != nil {
			srv.Close()
		}
	}
	if s.srt != nil {
		s.srt.Close()
	}
}
