package hec_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/risk/hec"
)

// expiredCert returns a self-signed certificate for 127.0.0.1 that
// expired in 2002, and a pool that trusts it.
func expiredCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		NotBefore:             time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2002, 1, 1, 0, 0, 0, 0, time.UTC),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// TestSendTLS checks that a certificate that does not verify fails the
// batch at once: one connection, no wait, no retry, an *hec.Error wrapping
// the certificate error; and that the same collector works for a client
// that trusts it.
func TestSendTLS(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		expired bool
		client  func(c *collector, pool *x509.CertPool) *http.Client
		want    func(error) bool // nil: success
	}{
		{
			name:   "trusted",
			reason: "a client with the test CA gets through",
			client: func(c *collector, _ *x509.CertPool) *http.Client { return c.Client() },
		},
		{
			name:   "unknown authority",
			reason: "a client without the test CA must not trust the collector, nor try again",
			client: func(*collector, *x509.CertPool) *http.Client { return &http.Client{Transport: &http.Transport{}} },
			want: func(err error) bool {
				var ua x509.UnknownAuthorityError
				return errors.As(err, &ua)
			},
		},
		{
			name:   "hostname mismatch",
			reason: "a certificate for another name is refused even from a trusted CA",
			client: func(c *collector, _ *x509.CertPool) *http.Client {
				tr := c.Client().Transport.(*http.Transport).Clone()
				tr.TLSClientConfig.ServerName = "splunk.example.org"
				return &http.Client{Transport: tr}
			},
			want: func(err error) bool {
				var he x509.HostnameError
				return errors.As(err, &he) && he.Host == "splunk.example.org"
			},
		},
		{
			name:    "expired",
			reason:  "an expired certificate is refused even when trusted",
			expired: true,
			client: func(_ *collector, pool *x509.CertPool) *http.Client {
				return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
			},
			want: func(err error) bool {
				var ci x509.CertificateInvalidError
				return errors.As(err, &ci) && ci.Reason == x509.Expired
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newUnstartedCollector(t, hecConfig{})
			var pool *x509.CertPool
			if tt.expired {
				var cert tls.Certificate
				cert, pool = expiredCert(t)
				c.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
			}
			var conns atomic.Int32
			c.Config.ConnState = func(_ net.Conn, st http.ConnState) {
				if st == http.StateNew {
					conns.Add(1)
				}
			}
			c.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake errors are expected
			c.StartTLS()

			var sl sleeps
			s, err := hec.NewSender(hec.Config{URL: c.URL, Token: token, MaxAttempts: 4, BaseDelay: base, Sleep: sl.sleep, Client: tt.client(c, pool)})
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.Send(context.Background(), numbered(3))
			var want *hec.SendError
			wantN, wantConns, wantRequests := 3, int32(1), 1
			if tt.want != nil {
				want = &hec.SendError{Err: &hec.Error{Attempts: 1, Err: matchErr{
					desc: "is a *tls.CertificateVerificationError wrapping the x509 error",
					ok: func(err error) bool {
						var cv *tls.CertificateVerificationError
						return errors.As(err, &cv) && tt.want(err)
					},
				}}}
				wantN, wantRequests = 0, 0
			}
			if diff := cmp.Diff(want, sendErr(t, err), equateErrors()); diff != "" || n != wantN {
				t.Errorf("Send = %d, %v; want %d and (-want +got):\n%s\nreason: %s", n, err, wantN, diff, tt.reason)
			}
			if got := conns.Load(); got != wantConns {
				t.Errorf("%d connections, want %d: a certificate error must not be retried", got, wantConns)
			}
			if requests, _ := c.counts(); requests != wantRequests {
				t.Errorf("%d requests reached the collector, want %d", requests, wantRequests)
			}
			if len(sl.waits()) != 0 {
				t.Errorf("waits %v, want none", sl.waits())
			}
			checkDelivery(t, 3, n, err, c.index())
		})
	}
}
