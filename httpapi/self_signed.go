package httpapi

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Files of the self-signed certificate inside the data directory.
const (
	SelfSignedCertFile = "tls-cert.pem"
	SelfSignedKeyFile  = "tls-key.pem"
)

// selfSignedLifetime stays under the 398 days Apple's clients accept for a
// server certificate; renewAhead makes a new one a month before it ends.
const (
	selfSignedLifetime = 397 * 24 * time.Hour
	renewAhead         = 30 * 24 * time.Hour
)

// LoadOrCreateSelfSigned returns the certificate `--tls self-signed`
// serves: made once for hosts (names and IP addresses), kept in dataDir
// (key mode 0600) so that browsers and TVs that were told to trust it keep
// doing so, and made again only when it expires soon or does not cover a
// host any more (a new LAN address).
func LoadOrCreateSelfSigned(dataDir string, hosts []string, now time.Time) (tls.Certificate, error) {
	certPath, keyPath := filepath.Join(dataDir, SelfSignedCertFile), filepath.Join(dataDir, SelfSignedKeyFile)
	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err == nil && covers(cert.Leaf, hosts, now) {
		return cert, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return tls.Certificate{}, fmt.Errorf("reading %s: %w (delete it and its key to make a new one)", certPath, err)
	}
	certPEM, keyPEM, err := makeSelfSigned(hosts, now)
	if err != nil {
		return tls.Certificate{}, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return tls.Certificate{}, fmt.Errorf("creating data directory: %w", err)
	}
	if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return tls.Certificate{}, fmt.Errorf("writing TLS key: %w", err)
	}
	if err := os.WriteFile(certPath, certPEM, 0o644); err != nil {
		return tls.Certificate{}, fmt.Errorf("writing TLS certificate: %w", err)
	}
	return tls.X509KeyPair(certPEM, keyPEM)
}

// covers reports whether leaf is valid for a while and names every host.
func covers(leaf *x509.Certificate, hosts []string, now time.Time) bool {
	if leaf == nil || now.Add(renewAhead).After(leaf.NotAfter) {
		return false
	}
	for _, h := range hosts {
		if leaf.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

func makeSelfSigned(hosts []string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("making TLS key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "llcast", Organization: []string{"llcast self-signed"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(selfSignedLifetime),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("making TLS certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

// Fingerprint is the SHA-256 of a certificate, as browsers show it
// (AB:CD:…), for checking by eye that a device talks to this llcast.
func Fingerprint(cert tls.Certificate) string {
	if len(cert.Certificate) == 0 {
		return ""
	}
	sum := sha256.Sum256(cert.Certificate[0])
	hexed := strings.ToUpper(hex.EncodeToString(sum[:]))
	pairs := make([]string, 0, len(sum))
	for i := 0; i < len(hexed); i += 2 {
		pairs = append(pairs, hexed[i:i+2])
	}
	return strings.Join(pairs, ":")
}
