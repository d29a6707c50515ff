package budget

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/testnet"
)

// The processes of TestProcessesShareOneBudget are this test binary, started again with helperEnv set.
const (
	helperEnv       = "KORE_BUDGET_TEST_HELPER_DIR"
	helperRequests  = 5
	helperProcesses = 3
	// Short windows so that the test takes about a second: 3 requests in 150 ms, 7 in 600 ms.
	helperShort, helperShortLimit = 150 * time.Millisecond, 3
	helperLong, helperLongLimit   = 600 * time.Millisecond, 7
	helperMargin                  = 10 * time.Millisecond
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		os.Exit(runHelper(dir))
	}
	testnet.Main(m)
}

// runHelper takes helperRequests slots and prints the moment each was recorded (Unix nanoseconds), one a line.
func runHelper(dir string) int {
	// The last reading of the clock before Wait returns is the moment the slot was recorded.
	var last time.Time
	now := func() time.Time { last = time.Now(); return last }
	b, err := New(Config{Dir: dir, Account: "https://kore.example\x00app\x00shared", PerMinute: helperShortLimit,
		PerHour: helperLongLimit, ShortWindow: helperShort, LongWindow: helperLong, Margin: helperMargin, Now: now})
	if err != nil || b.DirError() != nil {
		fmt.Fprintln(os.Stderr, "budget:", err, b.DirError())
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for range helperRequests {
		if _, err := b.Wait(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "wait:", err)
			return 1
		}
		fmt.Println(last.UnixNano())
	}
	return 0
}

func TestProcessesShareOneBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	var cmds []*exec.Cmd
	outputs := make([]*bufio.Scanner, helperProcesses)
	for i := range helperProcesses {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+dir)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		outputs[i] = bufio.NewScanner(out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	var sent []int64
	for i, cmd := range cmds {
		for outputs[i].Scan() {
			at, err := strconv.ParseInt(outputs[i].Text(), 10, 64)
			if err != nil {
				t.Fatalf("process %d printed %q", i, outputs[i].Text())
			}
			sent = append(sent, at)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v", i, err)
		}
	}
	if len(sent) != helperProcesses*helperRequests {
		t.Fatalf("%d requests allowed, want %d", len(sent), helperProcesses*helperRequests)
	}
	slices.Sort(sent)
	// No window, even lengthened by the margin, holds more than its limit: a server counting the same windows
	// would never have to refuse, across processes.
	for _, w := range []struct {
		window time.Duration
		limit  int
	}{{helperShort + helperMargin, helperShortLimit}, {helperLong + helperMargin, helperLongLimit}} {
		for i, start := range sent {
			in := 0
			for _, at := range sent[i:] {
				if at < start+int64(w.window) {
					in++
				}
			}
			if in > w.limit {
				t.Errorf("%d requests within %s from request %d, limit %d", in, w.window, i, w.limit)
			}
		}
	}
}
