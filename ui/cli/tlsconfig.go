package cli

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// buildTLS makes the TLS configuration from --cafile, --capath, --cert,
// --key, --insecure, --tls-version and --tls-use-os-certs. Verification is on
// unless --insecure; --cafile/--capath replace the system's CAs unless
// --tls-use-os-certs; the host name is checked. Files that cannot be read or
// parsed, and a key that does not match its certificate, are usage errors.
func buildTLS(v values, src sources, host string) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: host, InsecureSkipVerify: v.insecure, MinVersion: tls.VersionTLS12} //nolint:gosec // --insecure is the user's explicit choice, shown on screen
	switch strings.ToLower(v.tlsVersion) {
	case "":
	case "tlsv1.2":
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
	case "tlsv1.3":
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS13, tls.VersionTLS13
	default:
		return nil, usagef("%s: %q is not tlsv1.2 or tlsv1.3", src.where("tls_version"), v.tlsVersion)
	}
	if v.cafile != "" || v.capath != "" {
		pool := x509.NewCertPool()
		if v.tlsUseOSCerts {
			sys, err := x509.SystemCertPool()
			if err != nil {
				return nil, usagef("%s: the system's CAs cannot be read: %v", src.where("tls_use_os_certs"), err)
			}
			pool = sys
		}
		if v.cafile != "" {
			if err := addPEMFile(pool, v.cafile); err != nil {
				return nil, usagef("%s: %v", src.where("cafile"), err)
			}
		}
		if v.capath != "" {
			if err := addPEMDir(pool, v.capath); err != nil {
				return nil, usagef("%s: %v", src.where("capath"), err)
			}
		}
		cfg.RootCAs = pool
	}
	switch {
	case v.cert != "" && v.key == "":
		return nil, usagef("%s: needs --key", src.where("cert"))
	case v.key != "" && v.cert == "":
		return nil, usagef("%s: needs --cert", src.where("key"))
	case v.cert != "":
		pair, err := loadKeyPair(v.cert, v.key)
		if err != nil {
			return nil, usagef("--cert %s / --key %s: %v", v.cert, v.key, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// loadKeyPair reads a client certificate and its key, as
// tls.LoadX509KeyPair does, within maxPEMFile each.
func loadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := readFile(certFile, maxPEMFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	key, err := readFile(keyFile, maxPEMFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.X509KeyPair(cert, key)
}

// addPEMFile adds the certificates of one PEM file.
func addPEMFile(pool *x509.CertPool, path string) error {
	data, err := readFile(path, maxPEMFile)
	if err != nil {
		return err
	}
	if !pool.AppendCertsFromPEM(data) {
		return fmt.Errorf("%s: no PEM certificate in it", path)
	}
	return nil
}

// addPEMDir adds the certificates of every PEM file in a folder.
func addPEMDir(pool *x509.CertPool, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := readFile(filepath.Join(dir, e.Name()), maxPEMFile) // a FIFO or device here is skipped
		if err == nil && pool.AppendCertsFromPEM(data) {
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("%s: no PEM certificate in it", dir)
	}
	return nil
}
