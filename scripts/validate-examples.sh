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

# Provider functions (provider::kore::…) need Terraform 1.8 or OpenTofu 1.7; an older CLI cannot even parse the
# examples that call them, so those are skipped, each named, when the CLI is older. Asking the CLI to format a call
# tells whether it can parse one, whatever its make and version.
if printf 'locals {\n  x = provider::kore::groups_by_name([])\n}\n' | "$cli" fmt - >/dev/null 2>&1; then
	functions=yes
else
	functions=no
	echo "$("$cli" version | sed -n 1p) cannot parse provider functions: skipping the examples that call them"
fi

# Ephemeral resources and variables need Terraform 1.10 or OpenTofu 1.11; fmt parses any block or argument, so an
# ephemeral variable is validated instead.
mkdir -p "$scratch/probe"
printf 'variable "x" {\n  type      = string\n  ephemeral = true\n}\n' >"$scratch/probe/main.tf"
if (cd "$scratch/probe" && "$cli" validate -no-color >/dev/null 2>&1); then
	ephemeral=yes
else
	ephemeral=no
	echo "$("$cli" version | sed -n 1p) has no ephemeral values: skipping the examples that use them"
fi

dirs=()
while IFS= read -r dir; do
	# A call outside a comment; the examples for older CLIs may name the functions in comments.
	if [[ "$functions" == no ]] && grep -rqsE '^[^#]*provider::kore::[a-z_]+\(' "$dir"; then
		echo "Skipping $dir: it calls provider functions"
		continue
	fi
	if [[ "$ephemeral" == no ]] && grep -rqsE '^[[:space:]]*(ephemeral[[:space:]]+"|ephemeral[[:space:]]*=[[:space:]]*true)' "$dir"; then
		echo "Skipping $dir: it uses ephemeral values"
		continue
	fi
	dirs+=("$dir")
done < <(find examples -name '*.tf' -exec dirname {} \; | sort -u)

echo "Checking formatting with $tool fmt"
for dir in "${dirs[@]}"; do
	"$cli" fmt -check -diff -recursive "$dir"
done

failed=()
for dir in "${dirs[@]}"; do
	echo "Validating $dir"
	# Validate a copy so that no .terraform or lock file lands in the checkout.
	work="$scratch/work/$dir"
	mkdir -p "$work"
	cp "$dir"/*.tf "$work/"
	if ! (cd "$work" && "$cli" validate -no-color >"$scratch/validate.log" 2>&1); then
		cat "$scratch/validate.log" >&2
		failed+=("$dir")
	fi
done

if ((${#failed[@]} > 0)); then
	echo "Invalid examples: ${failed[*]}" >&2
	exit 1
fi
echo "All examples are valid."
