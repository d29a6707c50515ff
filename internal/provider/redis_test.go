package provider

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/redis/go-redis/v9"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

const testRedisPassword = "Fleet-r3dis-pw-7c1e0b" // distinctive, to spot any leak

// realRedis is a redis-server of Debian's package, started by a test on a free loopback port with a password.
type realRedis struct {
	url  string
	addr string
	cmd  *exec.Cmd
	once sync.Once
}

// startRedisServer starts redis-server for the test, or skips saying why when it is not installed (CI installs
// it, and there a missing redis-server fails).
func startRedisServer(t *testing.T) *realRedis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		const why = "redis-server is not installed (apt-get install redis-server; .ci/run installs it)"
		if os.Getenv("CI") != "" {
			t.Fatal(why)
		}
		t.Skip("Redis test skipped: " + why)
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr, ok := listener.Addr().(*net.TCPAddr)
	listener.Close()
	if !ok {
		t.Fatalf("a TCP listener on %s", listener.Addr())
	}
	port := addr.Port
	dir := t.TempDir()
	conf := filepath.Join(dir, "redis.conf")
	// The password is in a file, not on the command line, where other users could read it.
	if err := os.WriteFile(conf, fmt.Appendf(nil, "port %d\nbind 127.0.0.1\nrequirepass %s\nsave \"\"\n"+
		"appendonly no\ndir %s\nlogfile %s\n", port, testRedisPassword, dir, filepath.Join(dir, "redis.log")),
		0o600); err != nil {
		t.Fatal(err)
	}
	r := &realRedis{addr: "127.0.0.1:" + strconv.Itoa(port), cmd: exec.Command(bin, conf)}
	r.url = "redis://:" + testRedisPassword + "@" + r.addr + "/0"
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.stop)
	client := r.client(t)
	deadline := time.Now().Add(10 * time.Second)
	for client.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			t.Fatalf("redis-server did not answer within 10s:\n%s", log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return r
}

// stop kills the server, as a crash would.
func (r *realRedis) stop() {
	r.once.Do(func() {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	})
}

func (r *realRedis) client(t *testing.T) *redis.Client {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: r.addr, Password: testRedisPassword})
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// dump is every key and value Redis holds, as text.
func (r *realRedis) dump(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	client := r.client(t)
	keys, err := client.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, key := range keys {
		b.WriteString(key + "\n")
		switch kind, _ := client.Type(ctx, key).Result(); kind {
		case "string":
			b.WriteString(client.Get(ctx, key).Val() + "\n")
		case "zset":
			for _, member := range client.ZRangeWithScores(ctx, key, 0, -1).Val() {
				fmt.Fprintf(&b, "%v %v\n", member.Member, member.Score)
			}
		default:
			t.Errorf("key %q is a %s", key, kind)
		}
	}
	return b.String()
}

// readLogs is everything the TF_LOG_PATH_MASK files in dir hold.
func readLogs(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// Three "machines" (separate cache_dirs) sharing a real Redis read the account once; Redis holds no host, client
// id, group or email in clear, and the password is in neither the TRACE log nor the state.
func TestAccProviderRedis_machinesShareOneRead(t *testing.T) {
	r := startRedisServer(t)
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))
	s := newTestServer(t, testAccountGroups())
	var steps []resource.TestStep
	for range 3 {
		steps = append(steps, resource.TestStep{
			Config: cachedProviderConfig(s.URL, t.TempDir(), testClientSecret),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("groups"), knownvalue.ListSizeExact(123)),
				noRedisPasswordInState{},
			},
		})
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{envRedisURL: r.url}),
		Steps:                    steps,
	})
	if got := s.Requests(); got != 3 {
		t.Errorf("three machines made %d requests, want 3 (one read of 3 pages)", got)
	}
	dump := r.dump(t)
	if !strings.Contains(dump, "kore:cache:entry:") || !strings.Contains(dump, "kore:budget:") {
		t.Fatalf("Redis holds no entry or budget:\n%.500s", dump)
	}
	host := strings.TrimPrefix(s.URL, "http://")
	for _, plain := range []string{host, "127.0.0.1", testClientID, "@example.", fakekore.SampleGroups()[0].Name} {
		if strings.Contains(dump, plain) {
			t.Errorf("Redis holds %q in clear", plain)
		}
	}
	logs := readLogs(t, logDir)
	if !strings.Contains(logs, "ReadDataSource") {
		t.Fatalf("the TRACE log (%d bytes) does not show the provider's reads", len(logs))
	}
	for _, secret := range []string{testRedisPassword, r.url} {
		if strings.Contains(logs, secret) {
			i := strings.Index(logs, secret)
			t.Errorf("the TRACE log holds the Redis password: …%s…", logs[max(i-300, 0):i])
		}
	}
}

// noRedisPasswordInState fails when the state holds the Redis password anywhere.
type noRedisPasswordInState struct{}

func (noRedisPasswordInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil {
		return
	}
	if text := fmt.Sprintf("%#v", req.State.Values); strings.Contains(text, testRedisPassword) {
		resp.Error = fmt.Errorf("the state holds the Redis password")
	}
}

// Redis killed during a read: the read still succeeds, the provider says Redis was lost; the next run, with Redis
// still down, succeeds too.
func TestAccProviderRedis_killedDuringAReadStillSucceeds(t *testing.T) {
	r := startRedisServer(t)
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "WARN")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))
	s := newTestServer(t, testAccountGroups(), func(o *fakekore.Options) {
		o.Intercept = func(seq int, _ http.ResponseWriter, _ *http.Request) bool {
			if seq == 2 {
				r.stop()
			}
			return false
		}
	})
	check := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("groups"), knownvalue.ListSizeExact(123)),
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{envRedisURL: r.url}),
		Steps: []resource.TestStep{
			{Config: cachedProviderConfig(s.URL, t.TempDir(), testClientSecret), ConfigStateChecks: check},
			{Config: cachedProviderConfig(s.URL, t.TempDir(), testClientSecret), ConfigStateChecks: check},
		},
	})
	logs := readLogs(t, logDir)
	for _, want := range []string{"stopped answering while the provider ran", "could not be used"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log does not say Redis %s", want)
		}
	}
	if strings.Contains(logs, testRedisPassword) {
		t.Error("the log holds the Redis password")
	}
}
