#!/usr/bin/env bash
# Compare the built provider's schema with the snapshot in testdata/schema/provider-schema.json (check), or rewrite
# the snapshot (update). Breaking changes are printed one a line and fail the check; additions are listed.
#
# Usage: scripts/schema-check.sh [check|update]
#
# The schema comes from `terraform providers schema -json` in a configuration that requires only this provider,
# served from a fresh build through a dev_overrides CLI configuration: no init, no registry, no network.
set -euo pipefail

mode="${1:-check}"
case "$mode" in
check | update) ;;
*)
	echo "schema-check: unknown mode '$mode' (want check or update)" >&2
	exit 2
	;;
esac

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo_root"
snapshot="testdata/schema/provider-schema.json"

cli="$(bash scripts/ensure-terraform.sh terraform)"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kore-schema.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

go build -o "$scratch/plugins/terraform-provider-kore" .
cat >"$scratch/cli.rc" <<RC
provider_installation {
  dev_overrides {
    "kore-community/kore" = "$scratch/plugins"
  }
  direct {}
}
RC
mkdir "$scratch/config"
cat >"$scratch/config/main.tf" <<'TF'
terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}
TF

(
	cd "$scratch/config"
	TF_CLI_CONFIG_FILE="$scratch/cli.rc" CHECKPOINT_DISABLE=1 TF_INPUT=0 \
		"$cli" providers schema -json >"$scratch/current.json" 2>"$scratch/stderr"
) || {
	cat "$scratch/stderr" >&2
	echo "schema-check: $cli providers schema -json failed" >&2
	exit 1
}

args=(-snapshot "$snapshot" -current "$scratch/current.json")
if [[ "$mode" == update ]]; then
	mkdir -p "$(dirname "$snapshot")"
	args+=(-update)
fi
go run ./cmd/schema-check "${args[@]}"
