#!/usr/bin/env bash
# Check every configuration under examples/: `fmt -check`, then `validate` against a freshly built provider.
#
# Usage: scripts/validate-examples.sh [terraform|tofu]
#
# `validate` normally needs `init` to install providers; a dev_overrides CLI configuration pointing at the built
# binary makes init unnecessary, so this runs offline and checks the examples against the provider's real schema.
set -euo pipefail

tool="${1:-terraform}"
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo_root"

cli="$(bash "$repo_root/scripts/ensure-terraform.sh" "$tool")"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kore-examples.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

echo "Building the provider"
go build -o "$scratch/plugins/terraform-provider-kore" .

cat >"$scratch/cli.rc" <<EOF
provider_installation {
  dev_overrides {
    "kore-community/kore" = "$scratch/plugins"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$scratch/cli.rc"
export CHECKPOINT_DISABLE=1
export TF_INPUT=0

echo "Checking formatting with $tool fmt"
"$cli" fmt -check -diff -recursive examples

failed=()
while IFS= read -r dir; do
	echo "Validating $dir"
	# Validate a copy so that no .terraform or lock file lands in the checkout.
	work="$scratch/work/$dir"
	mkdir -p "$work"
	cp "$dir"/*.tf "$work/"
	if ! (cd "$work" && "$cli" validate -no-color >"$scratch/validate.log" 2>&1); then
		cat "$scratch/validate.log" >&2
		failed+=("$dir")
	fi
done < <(find examples -name '*.tf' -exec dirname {} \; | sort -u)

if ((${#failed[@]} > 0)); then
	echo "Invalid examples: ${failed[*]}" >&2
	exit 1
fi
echo "All examples are valid."
