package brokertest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Certs are PEM files made for one test: a CA, a server certificate for
// 127.0.0.1 and localhost, an expired one, a client certificate, and a
// second CA that signed none of them.
type Certs struct {
	Dir                     string
	CA, OtherCA             string
	ServerCert, ServerKey   string
	ExpiredCert, ExpiredKey string
	ClientCert, ClientKey   string
}

// MakeCerts writes a fresh set of certificates into a temporary folder.
func MakeCerts(t testing.TB) Certs {
	t.Helper()
	dir := t.TempDir()
	c := Certs{Dir: dir}
	caKey, caCert := newCA(t, "mqttchat test CA")
	_, otherCert := newCA(t, "some other CA")
	c.CA = writePEM(t, dir, "ca.pem", "CERTIFICATE", caCert.Raw)
	c.OtherCA = writePEM(t, dir, "other-ca.pem", "CERTIFICATE", otherCert.Raw)
	now := time.Now()
	c.ServerCert, c.ServerKey = leaf(t, dir, "server", caKey, caCert, now.Add(-time.Hour), now.Add(24*time.Hour), x509.ExtKeyUsageServerAuth)
	c.ExpiredCert, c.ExpiredKey = leaf(t, dir, "expired", caKey, caCert, now.Add(-48*time.Hour), now.Add(-24*time.Hour), x509.ExtKeyUsageServerAuth)
	c.ClientCert, c.ClientKey = leaf(t, dir, "client", caKey, caCert, now.Add(-time.Hour), now.Add(24*time.Hour), x509.ExtKeyUsageClientAuth)
	return c
}

func newCA(t testing.TB, name string) (*ecdsa.PrivateKey, *x509.Certificate) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-72 * time.Hour), NotAfter: time.Now().Add(72 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert
}

func leaf(t testing.TB, dir, name string, caKey *ecdsa.PrivateKey, ca *x509.Certificate, from, to time.Time, usage x509.ExtKeyUsage) (certPath, keyPath string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: from, NotAfter: to, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{usage},
		DNSNames:    []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return writePEM(t, dir, name+".pem", "CERTIFICATE", der), writePEM(t, dir, name+"-key.pem", "EC PRIVATE KEY", keyDER)
}

func writePEM(t testing.TB, dir, name, kind string, der []byte) string {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
