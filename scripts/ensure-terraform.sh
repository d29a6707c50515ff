#!/usr/bin/env bash
# Print the absolute path of a Terraform or OpenTofu CLI, building it from source when no suitable one is found.
# Progress goes to stderr so callers can capture the path: tf="$(scripts/ensure-terraform.sh)".
#
# Usage: scripts/ensure-terraform.sh [terraform|terraform-min|tofu|tofu-min]
#
#   terraform      the terraform on PATH, else one in the Go install directory ($GOBIN, else $GOPATH/bin), else
#                  `go install` of TERRAFORM_INSTALL_VERSION (1.5.7) into that directory.
#   terraform-min  the oldest supported Terraform, TERRAFORM_MIN_VERSION (1.5.7), built with `go install` into
#                  .tools/terraform-<version>/ so that it never shadows the terraform on PATH.
#   tofu           a current OpenTofu: the tofu on PATH or in the Go install directory when it is at least
#                  TOFU_CURRENT_VERSION (1.12.0), else TOFU_INSTALL_VERSION (1.12.6) built from its module source
#                  into .tools/tofu-<version>/ (see build_tofu_from_module_source for why not `go install`).
#   tofu-min       the oldest supported OpenTofu, TOFU_MIN_VERSION (1.6.2): a tofu on PATH or in the Go install
#                  directory of exactly that version, else `go install` into .tools/tofu-<version>/.
#
# A binary built here is reused by later runs. The Go module proxy is the only download source: nothing is fetched
# from releases.hashicorp.com, GitHub or get.opentofu.org.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="$repo_root/.tools"

terraform_install_version="${TERRAFORM_INSTALL_VERSION:-1.5.7}"
terraform_min_version="${TERRAFORM_MIN_VERSION:-1.5.7}"
tofu_current_version="${TOFU_CURRENT_VERSION:-1.12.0}"
tofu_install_version="${TOFU_INSTALL_VERSION:-1.12.6}"
tofu_min_version="${TOFU_MIN_VERSION:-1.6.2}"

log() {
	echo "ensure-terraform: $*" >&2
}

# go install writes to GOBIN when it is set and to the first GOPATH entry's bin otherwise.
go_install_dir() {
	local dir
	dir="$(go env GOBIN)"
	if [[ -z "$dir" ]]; then
		dir="$(go env GOPATH)"
		dir="${dir%%:*}/bin"
	fi
	echo "$dir"
}

# cli_version prints the X.Y.Z version a terraform or tofu binary reports ("Terraform v1.11.4", "OpenTofu v1.6.2"),
# or nothing when it does not run or is not the product asked for. The version line is looked for, not taken to be
# the first: OpenTofu 1.12 prints warnings about the CLI configuration (a TF_CLI_CONFIG_FILE naming no file) on
# standard output, before it.
cli_version() {
	local binary="$1" product="$2" line
	while IFS= read -r line; do
		if [[ "$line" =~ ^$product\ v([0-9]+\.[0-9]+\.[0-9]+) ]]; then
			echo "${BASH_REMATCH[1]}"
			return 0
		fi
	done < <(CHECKPOINT_DISABLE=1 "$binary" version 2>/dev/null || true)
}

# version_at_least A B succeeds when version A is B or later.
version_at_least() {
	local a b i
	IFS=. read -r -a a <<<"$1"
	IFS=. read -r -a b <<<"$2"
	for i in 0 1 2; do
		if ((10#${a[i]:-0} != 10#${b[i]:-0})); then
			((10#${a[i]:-0} > 10#${b[i]:-0}))
			return
		fi
	done
}

# candidates prints the tool on PATH and the one in the Go install directory, each once.
candidates() {
	local tool="$1" on_path in_gobin
	on_path="$(command -v "$tool" 2>/dev/null || true)"
	[[ -n "$on_path" ]] && echo "$on_path"
	in_gobin="$(go_install_dir)/$tool"
	if [[ -x "$in_gobin" && "$in_gobin" != "$on_path" ]]; then
		echo "$in_gobin"
	fi
}

# go_install_into DIR PACKAGE VERSION [FLAG...] builds PACKAGE@vVERSION with go install into DIR.
go_install_into() {
	local dir="$1" package="$2" version="$3"
	shift 3
	log "building $package@v$version with go install into $dir (this takes a few minutes)"
	mkdir -p "$dir"
	GOBIN="$dir" go install "$@" "$package@v$version"
}

# OpenTofu 1.8 and later cannot be built with `go install module@version`: their go.mod has a replace directive,
# which go install refuses. The module proxy still serves the source, so download the module, copy it somewhere
# writable and build there, with the flags of OpenTofu's own release build (.goreleaser.yaml): -trimpath, no cgo,
# and version.dev=no so that the binary reports 1.12.6 rather than 1.12.6-dev. -trimpath also keeps the build
# cache independent of the copy's location: a second build (another checkout) takes seconds and gives the same binary.
build_tofu_from_module_source() {
	local version="$1" dir="$2" module_dir work
	log "building OpenTofu $version from its module source into $dir (10 minutes or more on 2 cores)"
	module_dir="$(go mod download -json "github.com/opentofu/opentofu@v$version" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
	if [[ -z "$module_dir" || ! -f "$module_dir/go.mod" ]]; then
		log "go mod download did not give the source of github.com/opentofu/opentofu@v$version"
		return 1
	fi
	work="$(mktemp -d "${TMPDIR:-/tmp}/opentofu-$version.XXXXXX")"
	# The module cache is read-only: the copy is made writable, and removed however the script ends.
	# shellcheck disable=SC2064 # expanded now: $work is local to this function.
	trap "chmod -R u+w '$work' 2>/dev/null; rm -rf '$work'" EXIT
	cp -R "$module_dir/." "$work/src"
	chmod -R u+w "$work/src"
	mkdir -p "$dir"
	(
		cd "$work/src"
		CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath \
			-ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
			-o "$dir/tofu.partial" ./cmd/tofu
	)
	# Renamed into place only when complete, so that an interrupted build is never taken for a finished one.
	mv -f "$dir/tofu.partial" "$dir/tofu"
}

# check_built BINARY PRODUCT VERSION fails unless BINARY reports exactly VERSION.
check_built() {
	local binary="$1" product="$2" want="$3" got
	got="$(cli_version "$binary" "$product")"
	if [[ "$got" != "$want" ]]; then
		log "$binary reports version '${got:-none}', not $product $want"
		return 1
	fi
}

tool="${1:-terraform}"
case "$tool" in
terraform)
	if found="$(candidates terraform | sed -n 1p)" && [[ -n "$found" ]]; then
		echo "$found"
		exit 0
	fi
	dir="$(go_install_dir)"
	go_install_into "$dir" github.com/hashicorp/terraform "$terraform_install_version"
	echo "$dir/terraform"
	;;
terraform-min)
	binary="$tools_dir/terraform-$terraform_min_version/terraform"
	if [[ ! -x "$binary" ]]; then
		go_install_into "$(dirname "$binary")" github.com/hashicorp/terraform "$terraform_min_version"
		check_built "$binary" Terraform "$terraform_min_version"
	fi
	echo "$binary"
	;;
tofu)
	while read -r candidate; do
		[[ -n "$candidate" ]] || continue
		version="$(cli_version "$candidate" OpenTofu)"
		if [[ -n "$version" ]] && version_at_least "$version" "$tofu_current_version"; then
			echo "$candidate"
			exit 0
		fi
		log "skipping $candidate (OpenTofu ${version:-of unknown version}; want $tofu_current_version or later)"
	done < <(candidates tofu)
	binary="$tools_dir/tofu-$tofu_install_version/tofu"
	if [[ ! -x "$binary" ]]; then
		build_tofu_from_module_source "$tofu_install_version" "$(dirname "$binary")"
		check_built "$binary" OpenTofu "$tofu_install_version"
	fi
	echo "$binary"
	;;
tofu-min)
	while read -r candidate; do
		[[ -n "$candidate" ]] || continue
		if [[ "$(cli_version "$candidate" OpenTofu)" == "$tofu_min_version" ]]; then
			echo "$candidate"
			exit 0
		fi
	done < <(candidates tofu)
	binary="$tools_dir/tofu-$tofu_min_version/tofu"
	if [[ ! -x "$binary" ]]; then
		# As OpenTofu's release build does, so that it reports its version without "-dev".
		go_install_into "$(dirname "$binary")" github.com/opentofu/opentofu/cmd/tofu "$tofu_min_version" \
			-trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no"
		check_built "$binary" OpenTofu "$tofu_min_version"
	fi
	echo "$binary"
	;;
*)
	log "unknown tool '$tool' (want terraform, terraform-min, tofu or tofu-min)"
	exit 2
	;;
esac
