package main

import (
	"context"
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

// client is a client of the cluster, TLS and SASL, with more options.
func (c *ehCluster) client(t *testing.T, more ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append(slices.Clone(c.opts), more...)...)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// produce writes msgs to "in", keyed by tenant, as kafkatest.Produce does.
func (c *ehCluster) produce(t *testing.T, msgs []kafkatest.Message) {
	t.Helper()
	cl := c.client(t, kgo.DefaultProduceTopic("in"), kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)),
		kgo.ProducerBatchMaxBytes(4<<20), kgo.MaxBufferedRecords(100_000))
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	recs := make([]*kgo.Record, len(msgs))
	for i, m := range msgs {
		recs[i] = &kgo.Record{Key: []byte(m.Tenant), Value: m.Value}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

// committed is fixture.committed over TLS and SASL: the sum of group g's
// committed offsets of "in", -1 while the coordinator does not answer.
func (c *ehCluster) committed(t *testing.T) int64 {
	t.Helper()
	cl := c.client(t)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := kmsg.NewPtrOffsetFetchRequest()
	req.Group = "g"
	rt := kmsg.NewOffsetFetchRequestTopic()
	rt.Topic = "in"
	rt.Partitions = []int32{0, 1, 2, 3, 4, 5}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil || kerr.ErrorForCode(resp.ErrorCode) != nil {
		return -1
	}
	var sum int64
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			sum += max(0, p.Offset)
		}
	}
	return sum
}

// ends returns the end offsets of topic: the last stable offsets with
// isolation 1, the high watermarks with 0.
func (c *ehCluster) ends(ctx context.Context, cl *kgo.Client, topic string, isolation int8) (map[int32]int64, error) {
	meta := kmsg.NewPtrMetadataRequest()
	mt := kmsg.NewMetadataRequestTopic()
	mt.Topic = kmsg.StringPtr(topic)
	meta.Topics = append(meta.Topics, mt)
	mresp, err := meta.RequestWith(ctx, cl)
	if err != nil {
		return nil, err
	}
	if len(mresp.Topics) != 1 || kerr.ErrorForCode(mresp.Topics[0].ErrorCode) != nil {
		return nil, fmt.Errorf("metadata of %s: %+v", topic, mresp.Topics)
	}
	req := kmsg.NewPtrListOffsetsRequest()
	req.ReplicaID, req.IsolationLevel = -1, isolation
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = topic
	for _, p := range mresp.Topics[0].Partitions {
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Partition, rp.Timestamp, rp.CurrentLeaderEpoch = p.Partition, -1, -1
		rt.Partitions = append(rt.Partitions, rp)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, err
	}
	out := make(map[int32]int64)
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return nil, fmt.Errorf("list offsets %s/%d: %w", topic, p.Partition, err)
			}
			out[p.Partition] = p.Offset
		}
	}
	return out, nil
}

// readOutput is kafkatest.ReadOutput over TLS and SASL: topic read from
// its start, read-committed, to every partition's end once no
// transaction is open.
func (c *ehCluster) readOutput(t *testing.T, topic string) []kafkatest.Output {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	adm := c.client(t)
	defer adm.Close()
	var ends map[int32]int64
	for {
		stable, err := c.ends(ctx, adm, topic, 1)
		if err != nil {
			t.Fatal(err)
		}
		all, err := c.ends(ctx, adm, topic, 0)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(stable) == fmt.Sprint(all) {
			ends = all
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: a transaction stays open: stable ends %v, ends %v", topic, stable, all)
		case <-time.After(100 * time.Millisecond):
		}
	}
	offs := make(map[int32]kgo.Offset)
	left := 0
	for p, e := range ends {
		offs[p] = kgo.NewOffset().AtStart()
		if e > 0 {
			left++
		}
	}
	cl := c.client(t, kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords(),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offs}))
	defer cl.Close()
	var out []kafkatest.Output
	done := make(map[int32]bool)
	for left > 0 {
		fs := cl.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			t.Fatalf("read %s: %v", topic, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if r.Offset >= ends[r.Partition]-1 && !done[r.Partition] {
				done[r.Partition] = true
				left--
			}
			if r.Attrs.IsControl() {
				return
			}
			o := kafkatest.Output{Key: string(r.Key), Value: string(r.Value)}
			for _, h := range r.Headers {
				switch h.Key {
				case "finding_id":
					o.ID = string(h.Value)
				case "kind":
					o.Kind = string(h.Value)
				}
			}
			out = append(out, o)
		})
	}
	return out
}

// startEnv is start with env added to the process's environment.
func startEnv(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin.kafkadetect, args...), stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() || testing.Verbose() {
			t.Logf("kafkadetect %s:\n%s", strings.Join(args, " "), tail(p.stderr.String(), 40))
		}
	})
	return p
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
	c.produce(t, msgs)
	total := int64(len(msgs))

	env := []string{"EVENTHUB_CONNECTION_STRING=" + c.conn}
	args := []string{"-group", "g", "-out-topic", "out", "-tls-ca", c.caFile}
	members := []*proc{startEnv(t, env, args...), startEnv(t, env, args...)}
	deadline := time.Now().Add(2 * time.Minute)
	for c.committed(t) < total {
		for _, m := range members {
			select {
			case <-m.done:
				t.Fatalf("a member exited: %v\n%s", m.err, tail(m.stderr.String(), 20))
			default:
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the group committed %d of %d offsets within 2 minutes", c.committed(t), total)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, m := range members {
		m.stop(t)
		if strings.Contains(m.stderr.String(), "SharedAccessKey=") {
			t.Errorf("a member's stderr repeats the connection string:\n%s", tail(m.stderr.String(), 20))
		}
	}

	got := kafkatest.Findings(t, c.readOutput(t, "out"), false)
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
