package main

import (
	"crypto/tls"
	"fmt"
	"os"
	"time"

	"github.com/llcast/llcast/configs"
	"github.com/llcast/llcast/httpapi"
)

// serverTLS loads the configured certificate, or the self-signed one for
// this machine's names and addresses; it returns the latter's fingerprint.
func serverTLS(cfg configs.TLS, dataDir string) (*tls.Config, string, error) {
	if !cfg.SelfSigned {
		cert, err := tls.LoadX509KeyPair(cfg.Cert, cfg.Key)
		if err != nil {
			return nil, "", fmt.Errorf("tls: loading %s and %s: %w", cfg.Cert, cfg.Key, err)
		}
		return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, "", nil
	}
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if name, err := os.Hostname(); err == nil && name != "" {
		hosts = append(hosts, name)
	}
	hosts = append(hosts, lanIPs()...)
	cert, err := httpapi.LoadOrCreateSelfSigned(dataDir, hosts, time.Now())
	if err != nil {
		return nil, "", fmt.Errorf("tls: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, httpapi.Fingerprint(cert), nil
}
