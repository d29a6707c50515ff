package kore_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The CA certificate is trusted in addition to the system roots, not instead of them. The system roots are read
// once per process, so the check runs in a process of its own whose system roots (SSL_CERT_FILE) hold the test
// server's certificate, while the client is given another, unrelated CA certificate.
func TestTheCACertificateIsTrustedBesideTheSystemRoots(t *testing.T) {
	if os.Getenv("KORE_TEST_SYSTEM_ROOTS_CHILD") == "1" {
		readsFromASystemTrustedServer(t, os.Getenv("KORE_TEST_OTHER_CA"))
		return
	}
	// Every httptest TLS server presents the same certificate: the child's server will present this one.
	probe := httptest.NewTLSServer(nil)
	serverPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: probe.Certificate().Raw})
	probe.Close()
	roots := filepath.Join(t.TempDir(), "roots.pem")
	if err := os.WriteFile(roots, serverPEM, 0o600); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestTheCACertificateIsTrustedBesideTheSystemRoots$", "-test.count=1")
	cmd.Env = append(os.Environ(), "KORE_TEST_SYSTEM_ROOTS_CHILD=1", "SSL_CERT_FILE="+roots,
		"SSL_CERT_DIR="+t.TempDir(), "KORE_TEST_OTHER_CA="+selfSignedCA(t))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the read through a system root failed with a CA certificate set: %v\n%s", err, out)
	}
}

func readsFromASystemTrustedServer(t *testing.T, otherCA string) {
	api := newFakeAPI(t, makeGroups(1, 0), 50)
	server := httptest.NewTLSServer(api)
	t.Cleanup(server.Close)
	cfg := testConfig(server, nil)
	cfg.CACertificate = otherCA
	list, err := newTestClient(t, cfg).ListGroups(context.Background(), 50)
	if err != nil || len(list.Groups) != 1 {
		t.Fatalf("ListGroups = %v, %v; want the server, trusted by the system roots, read", list, err)
	}
}

// selfSignedCA returns the PEM of a new CA certificate that signs nothing the test meets.
func selfSignedCA(t *testing.T) string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "unrelated test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
