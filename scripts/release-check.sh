#!/usr/bin/env bash
# Validate .goreleaser.yml and build a snapshot release for this platform, without touching the checkout.
#
# Usage: scripts/release-check.sh [path/to/goreleaser]
#
# goreleaser derives the release repository from the `origin` remote, which a local checkout may lack, so the work
# happens in a temporary clone whose origin is the checkout's own remote or, failing that, the project's GitHub
# repository. The clone is made to mirror the working tree, uncommitted and untracked (but not ignored) files
# included, so the check covers what is about to be committed. Nothing is pushed or fetched.
set -euo pipefail

goreleaser="${1:-goreleaser}"
repo_root="$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kore-release-check.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
clone="$scratch/terraform-provider-kore"

echo "Cloning $repo_root into a temporary directory"
git clone --quiet "$repo_root" "$clone"

# Mirror the working tree: drop the committed files, then copy every file that exists in the checkout.
(cd "$clone" && git ls-files -z | xargs -0 rm -f --)
(
	cd "$repo_root"
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' file; do
			if [[ -f "$file" || -L "$file" ]]; then printf '%s\0' "$file"; fi
		done |
		tar -cf - --null -T -
) | tar -xf - -C "$clone"

cd "$clone"
# goreleaser reads the release repository from origin: use the checkout's own remote when it has one.
if upstream="$(git -C "$repo_root" remote get-url origin 2>/dev/null)"; then
	git remote set-url origin "$upstream"
else
	git remote set-url origin https://github.com/kore-community/terraform-provider-kore.git
fi

echo "goreleaser check"
"$goreleaser" check

if ! git rev-parse --verify --quiet HEAD >/dev/null; then
	echo "release-check: the repository has no commits yet; the snapshot build needs one to stamp the version." >&2
	exit 1
fi

echo "goreleaser build --snapshot --clean --single-target"
"$goreleaser" build --snapshot --clean --single-target

echo "Snapshot build succeeded:"
find dist -type f -name 'terraform-provider-kore_*' -print
