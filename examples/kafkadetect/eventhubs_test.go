package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
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
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/escudo-dev/escudo/internal/kafkatest"
)

// ehCluster is a kfake cluster that speaks as an Event Hubs namespace's
// Kafka endpoint does: TLS (a certificate for 127.0.0.1 from a CA of the
// test's own) and SASL PLAIN with user $ConnectionString and the
// namespace's connection string as password.
type ehCluster struct {
	brokers []string
	conn    string // the connection string, EntityPath=in
	caFile  string // the CA certificate, PEM
	opts    []kgo.Opt
}

// newEHCluster starts such a cluster of n brokers with topic "in" of six
// partitions, closed when t ends. With refuseAsKafka, a wrong password
// gets the answer Kafka gives (see below); without, kfake's own.
func newEHCluster(t *testing.T, n int, refuseAsKafka bool) *ehCluster {
	t.Helper()
	caPEM, serverCert := testCerts(t)
	c := &ehCluster{caFile: filepath.Join(t.TempDir(), "ca.pem")}
	if err := os.WriteFile(c.caFile, caPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	// The connection string names the first broker's port, and the
	// cluster must know the string (its PLAIN password) when it starts:
	// so the listeners are opened first and handed to kfake by ListenFn
	// (which wraps them in TLS), no port closed and reopened.
	lns := make([]net.Listener, n)
	for i := range lns {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns[i] = ln
	}
	var mu sync.Mutex
	listen := func(network, address string) (net.Listener, error) {
		mu.Lock()
		defer mu.Unlock()
		if len(lns) == 0 {
			return net.Listen(network, address)
		}
		ln := lns[0]
		lns = lns[1:]
		return ln, nil
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	c.conn = fmt.Sprintf("Endpoint=sb://%s/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=%s;EntityPath=in",
		lns[0].Addr(), hex.EncodeToString(secret))
	cl, err := kfake.NewCluster(kfake.NumBrokers(n), kfake.ListenFn(listen), kfake.SeedTopics(6, "in"),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{serverCert}, MinVersion: tls.VersionTLS12}),
		kfake.EnableSASL(), kfake.Superuser("PLAIN", "$ConnectionString", c.conn))
	if err != nil {
		for _, ln := range lns {
			ln.Close()
		}
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(cl.Close)
	// kfake answers a wrong PLAIN password by closing the connection,
	// which a client cannot tell from a network failure (kgo retries it
	// as one, and fails after some 30 s with "EOF"). Kafka, and Event
	// Hubs, answer SaslAuthenticate with SASL_AUTHENTICATION_FAILED
	// first: this control makes kfake do so, and leaves the right
	// password to kfake.
	cl.ControlKey(int16(kmsg.SASLAuthenticate), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		cl.KeepControl()
		if !refuseAsKafka {
			return nil, nil, false
		}
		req := kreq.(*kmsg.SASLAuthenticateRequest)
		parts := strings.SplitN(string(req.SASLAuthBytes), "\x00", 3)
		if len(parts) == 3 && parts[1] == "$ConnectionString" && parts[2] == c.conn {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.SASLAuthenticateResponse)
		resp.ErrorCode = kerr.SaslAuthenticationFailed.Code
		resp.ErrorMessage = kmsg.StringPtr("Authentication failed: Invalid username or password")
		return resp, nil, true
	})
	c.brokers = cl.ListenAddrs()
	if want := strings.TrimSuffix(strings.TrimPrefix(strings.Split(c.conn, ";")[0], "Endpoint=sb://"), "/"); c.brokers[0] != want {
		t.Fatalf("broker 0 listens on %s, the connection string names %s", c.brokers[0], want)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("CA PEM")
	}
	c.opts = []kgo.Opt{kgo.SeedBrokers(c.brokers...), kgo.DialTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}),
		kgo.SASL(plain.Auth{User: "$ConnectionString", Pass: c.conn}.AsMechanism())}
	return c
}

// testCerts returns a new CA's certificate (PEM) and a server certificate
// for 127.0.0.1 it signed, ECDSA P-256 both.
func testCerts(t *testing.T) ([]byte, tls.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kafkadetect test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	if ca, err = x509.ParseCertificate(caDER); err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestEventHubsConnection runs two members given only the group, the
// output topic, the CA and EVENTHUB_CONNECTION_STRING, on a three-broker
// cluster that takes only that string over TLS: the brokers and the input
// topic come from the string, and the findings are the ones one process
// finds.
func TestEventHubsConnection(t *testing.T) {
	c := newEHCluster(t, 3, true)
	recs := kafkatest.Records(t, 4, 1500)
	msgs := kafkatest.Messages(recs, 25)
	kafkatest.Produce(t, c.brokers, "in", msgs, c.opts...)
	total := int64(len(msgs))

	env := []string{"EVENTHUB_CONNECTION_STRING=" + c.conn}
	args := []string{"-group", "g", "-out-topic", "out", "-tls-ca", c.caFile}
	members := []*proc{startEnv(t, env, args...), startEnv(t, env, args...)}
	deadline := time.Now().Add(2 * time.Minute)
	for kafkatest.Committed(t, c.brokers, "g", "in", c.opts...) < total {
		for _, m := range members {
			select {
			case <-m.done:
				t.Fatalf("a member exited: %v\n%s", m.err, tail(m.stderr.String(), 20))
			default:
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the group committed %d of %d offsets within 2 minutes", kafkatest.Committed(t, c.brokers, "g", "in", c.opts...), total)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, m := range members {
		m.stop(t)
		if strings.Contains(m.stderr.String(), "SharedAccessKey=") {
			t.Errorf("a member's stderr repeats the connection string:\n%s", tail(m.stderr.String(), 20))
		}
	}

	got := kafkatest.Findings(t, kafkatest.ReadOutput(t, c.brokers, "out", c.opts...), false)
	want := (&fixture{tenants: recs}).expected(t)
	if !slices.Equal(got, want) {
		t.Fatalf("%s", kafkatest.Diff(got, want))
	}
	t.Logf("%d findings of %d tenants over TLS and SASL PLAIN, as one process finds", len(got), len(recs))
}

// TestEventHubsRefused gives a member a connection string whose key the
// cluster refuses: it exits with status 1 and does not print the key;
// told SASL_AUTHENTICATION_FAILED, as Kafka and Event Hubs tell it, it
// exits at once and names the failure; with the connection closed on it
// (kfake's answer), it still exits, once the client's retries run out.
func TestEventHubsRefused(t *testing.T) {
	for _, tc := range []struct {
		name          string
		refuseAsKafka bool
		within        time.Duration
		says          string
	}{
		{"SASL_AUTHENTICATION_FAILED", true, time.Minute, "SASL_AUTHENTICATION_FAILED"},
		{"connection closed", false, 2 * time.Minute, "kafka: metadata: EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newEHCluster(t, 1, tc.refuseAsKafka)
			wrongKey := "d3Jvbmcta2V5LWZvci10aGUtdGVzdA" + hex.EncodeToString([]byte(t.Name()))
			i := strings.Index(c.conn, "SharedAccessKey=")
			j := i + strings.Index(c.conn[i:], ";")
			wrong := c.conn[:i] + "SharedAccessKey=" + wrongKey + c.conn[j:]

			began := time.Now()
			m := startEnv(t, []string{"EVENTHUB_CONNECTION_STRING=" + wrong}, "-group", "g", "-out-topic", "out", "-tls-ca", c.caFile)
			select {
			case <-m.done:
			case <-time.After(tc.within):
				t.Fatalf("a member refused by the cluster still runs %v later:\n%s", tc.within, tail(m.stderr.String(), 20))
			}
			var exit *exec.ExitError
			if !errors.As(m.err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("exit: %v, want status 1\n%s", m.err, m.stderr.String())
			}
			stderr := m.stderr.String()
			if !strings.Contains(stderr, tc.says) {
				t.Errorf("stderr does not say %q:\n%s", tc.says, stderr)
			}
			for _, s := range []string{wrongKey, "SharedAccessKey="} {
				if strings.Contains(stderr, s) {
					t.Errorf("stderr repeats %q:\n%s", s, stderr)
				}
			}
			t.Logf("exited 1 after %v", time.Since(began).Round(time.Second))
		})
	}
}
