#!/usr/bin/env bash
# Print the absolute path of a Terraform (or OpenTofu) CLI, building it from source with `go install` when none is
# available. Progress goes to stderr so callers can capture the path: tf="$(scripts/ensure-terraform.sh)".
#
# Usage: scripts/ensure-terraform.sh [terraform|tofu]
#
# Lookup order: the binary on PATH, then one already in the Go install directory ($GOBIN, else $GOPATH/bin), then
# `go install` of a pinned release. The Go module proxy is the only download source; nothing is fetched from
# releases.hashicorp.com or GitHub. Override the pinned releases with TERRAFORM_INSTALL_VERSION / TOFU_INSTALL_VERSION.
set -euo pipefail

tool="${1:-terraform}"
case "$tool" in
terraform)
	package="github.com/hashicorp/terraform"
	version="${TERRAFORM_INSTALL_VERSION:-1.5.7}"
	;;
tofu)
	package="github.com/opentofu/opentofu/cmd/tofu"
	version="${TOFU_INSTALL_VERSION:-1.6.2}"
	;;
*)
	echo "ensure-terraform: unknown tool '$tool' (want terraform or tofu)" >&2
	exit 2
	;;
esac

if found="$(command -v "$tool" 2>/dev/null)"; then
	echo "$found"
	exit 0
fi

# go install writes to GOBIN when it is set and to the first GOPATH entry's bin otherwise.
install_dir="$(go env GOBIN)"
if [[ -z "$install_dir" ]]; then
	gopath="$(go env GOPATH)"
	install_dir="${gopath%%:*}/bin"
fi

if [[ ! -x "$install_dir/$tool" ]]; then
	echo "ensure-terraform: $tool not found; building $package@v$version with go install (this takes a few minutes)" >&2
	GOBIN="$install_dir" go install "$package@v$version"
fi

echo "$install_dir/$tool"
