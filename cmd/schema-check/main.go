// Command schema-check compares the provider's schema, as `terraform providers schema -json` prints it, with the
// snapshot kept in the repository, and fails when a change would break configurations written against the
// snapshot. scripts/schema-check.sh runs it for `make schema-check` and `make schema-update`.
//
// Usage:
//
//	schema-check -snapshot testdata/schema/provider-schema.json -current CURRENT.json
//	schema-check -snapshot testdata/schema/provider-schema.json -current CURRENT.json -update
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/kore-community/terraform-provider-kore/internal/schemacheck"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("schema-check", flag.ContinueOnError)
	flags.SetOutput(stderr)
	snapshotPath := flags.String("snapshot", "testdata/schema/provider-schema.json", "the schema snapshot kept in the repository")
	currentPath := flags.String("current", "", "the built provider's schema, from terraform providers schema -json")
	update := flags.Bool("update", false, "list the changes, then rewrite the snapshot with the current schema, breaking changes included")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *currentPath == "" {
		fmt.Fprintln(stderr, "schema-check: -current is required")
		return 2
	}
	current, currentRaw, err := load(*currentPath)
	if err != nil {
		fmt.Fprintln(stderr, "schema-check:", err)
		return 2
	}
	snapshot, _, err := load(*snapshotPath)
	switch {
	case errors.Is(err, os.ErrNotExist) && *update:
		snapshot = &tfjson.ProviderSchemas{}
	case err != nil:
		fmt.Fprintf(stderr, "schema-check: %v (make schema-update writes the snapshot)\n", err)
		return 2
	}

	report := schemacheck.Compare(snapshot, current)
	for _, line := range report.Breaking {
		fmt.Fprintln(stdout, "BREAKING", line)
	}
	for _, line := range report.Added {
		fmt.Fprintln(stdout, "added   ", line)
	}
	if *update {
		var out bytes.Buffer
		if err := json.Indent(&out, currentRaw, "", "  "); err != nil {
			fmt.Fprintln(stderr, "schema-check:", err)
			return 2
		}
		out.WriteByte('\n')
		if err := os.WriteFile(*snapshotPath, out.Bytes(), 0o644); err != nil {
			fmt.Fprintln(stderr, "schema-check:", err)
			return 2
		}
		fmt.Fprintf(stdout, "%s rewritten: %d breaking changes, %d additions.\n", *snapshotPath, len(report.Breaking),
			len(report.Added))
		if len(report.Breaking) > 0 {
			fmt.Fprintln(stdout, "Breaking changes need a new major version, said in CHANGELOG.md.")
		}
		return 0
	}
	if len(report.Breaking) > 0 {
		fmt.Fprintf(stdout, "%d breaking changes against %s: configurations written for the released provider would "+
			"fail. Keep the old names and types, or, for a new major version, say so in CHANGELOG.md and run make "+
			"schema-update.\n", len(report.Breaking), *snapshotPath)
		return 1
	}
	fmt.Fprintf(stdout, "No breaking change against %s (%d additions).\n", *snapshotPath, len(report.Added))
	return 0
}

// load reads a schema file, checking that it holds a provider's schema.
func load(path string) (*tfjson.ProviderSchemas, []byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var schemas tfjson.ProviderSchemas
	if err := json.Unmarshal(raw, &schemas); err != nil {
		return nil, nil, fmt.Errorf("%s is not the output of terraform providers schema -json: %w", path, err)
	}
	if len(schemas.Schemas) == 0 {
		return nil, nil, fmt.Errorf("%s holds no provider schema", path)
	}
	return &schemas, raw, nil
}
