package cache

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/testnet"
)

// The processes of TestProcessesWantingOneEntryMakeOneRead are this test binary, started again with helperEnv set.
const (
	helperEnv       = "KORE_CACHE_TEST_HELPER_DIR"
	helperProcesses = 6
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		os.Exit(runHelper(dir))
	}
	testnet.Main(m)
}

// runHelper waits for the start file, then asks for the entry; its read appends a line to reads.log and takes a
// while, as a read of many pages does. It prints what it got and whether it came from the cache.
func runHelper(dir string) int {
	for {
		if _, err := os.Stat(filepath.Join(dir, "start")); err == nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	c, err := New(Config{Dir: filepath.Join(dir, "cache"), Account: testAccount, Secret: testSecret, Salt: testSalt})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := c.Do(ctx, "GET /api/public/groups?limit=50", time.Hour, func(context.Context) ([]byte, error) {
		log, err := os.OpenFile(filepath.Join(dir, "reads.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, err
		}
		defer log.Close()
		fmt.Fprintln(log, os.Getpid())
		time.Sleep(200 * time.Millisecond)
		return []byte(marker), nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("%s %v\n", res.Data, res.FromCache)
	return 0
}

func TestProcessesWantingOneEntryMakeOneRead(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	var cmds []*exec.Cmd
	var outputs []*strings.Builder
	for range helperProcesses {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+dir)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outputs = append(cmds, cmd), append(outputs, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "start"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	fromCache := 0
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v", i, err)
		}
		got := strings.TrimSpace(outputs[i].String())
		cut := strings.LastIndex(got, " ")
		data, cached := got[:max(cut, 0)], got[cut+1:]
		if data != marker {
			t.Errorf("process %d got %q, want the read's answer", i, got)
		}
		if cached == "true" {
			fromCache++
		}
	}
	reads, err := os.ReadFile(filepath.Join(dir, "reads.log"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(reads), "\n"); n != 1 || fromCache != helperProcesses-1 {
		t.Errorf("%d reads and %d answers from the cache for %d processes, want 1 and %d",
			n, fromCache, helperProcesses, helperProcesses-1)
	}
}
