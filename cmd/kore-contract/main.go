// Command kore-contract checks a Kore.ai account's answers against what the provider expects, recording them
// scrubbed, or replays recordings offline.
//
//	KORE_HOST=… KORE_CLIENT_ID=… KORE_CLIENT_SECRET=… kore-contract [-endpoints groups,users,…]
//	kore-contract -replay [DIR …]
//
// It prints one line per endpoint, OK or what differs, and exits 1 when something differs or a request fails, 2
// when it is missing its settings.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/contract"
)

// recordingsRoot is where recordings are written and, by default, replayed from.
const recordingsRoot = "testdata/contract"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("kore-contract", flag.ContinueOnError)
	flags.SetOutput(stderr)
	replay := flags.Bool("replay", false, "replay the recordings named as arguments (default: $KORE_CONTRACT_DIR, "+
		"else every one under "+recordingsRoot+"/) offline instead of checking the account")
	only := flags.String("endpoints", "", "comma-separated endpoints to check (default all): groups, users, "+
		"roles-admin, roles-bot, roles-export-admin, roles-export-bot, bots")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}

	var results []*contract.Result
	if *replay {
		dirs := flags.Args()
		if len(dirs) == 0 {
			root := recordingsRoot
			if dir := getenv("KORE_CONTRACT_DIR"); dir != "" {
				root = dir
			}
			var err error
			if dirs, err = contract.Recordings(root); err != nil {
				fmt.Fprintln(stderr, "kore-contract:", err)
				return 2
			}
		}
		for _, dir := range dirs {
			fmt.Fprintf(stdout, "Replaying %s\n", dir)
			replayed, err := contract.Replay(ctx, dir)
			if err != nil {
				fmt.Fprintf(stderr, "kore-contract: %s: %v\n", dir, err)
				return 1
			}
			for _, r := range replayed {
				fmt.Fprintln(stdout, r.Line())
			}
			results = append(results, replayed...)
		}
	} else {
		if flags.NArg() > 0 {
			fmt.Fprintf(stderr, "kore-contract: unexpected arguments %q (a recording's directory is "+
				"KORE_CONTRACT_DIR)\n", flags.Args())
			return 2
		}
		now := time.Now()
		settings, err := contract.SettingsFromEnv(getenv, now)
		if err == nil && *only != "" {
			settings.Endpoints = strings.Split(*only, ",")
		}
		if err == nil {
			results, err = contract.Run(ctx, settings, now, stdout)
		}
		if err != nil {
			fmt.Fprintln(stderr, "kore-contract:", strings.TrimPrefix(err.Error(), contract.ErrUsage.Error()+": "))
			if errors.Is(err, contract.ErrUsage) {
				return 2
			}
			return 1
		}
	}
	for _, r := range results {
		if !r.OK() {
			return 1
		}
	}
	return 0
}
