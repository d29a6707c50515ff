#!/usr/bin/env bash
# Check the account-wide request budget and the shared cache end to end, with real `terraform apply` processes
# running at once against a local Kore.ai-like API that enforces Kore.ai's limit of 60 requests in any rolling minute
# (answering 429 without Retry-After, as Kore.ai may).
#
#   1. Three applies at once, each reading 40 pages: all succeed with every group, and the server never answers 429.
#      The third set of pages waits for the minute, so this part takes a little over a minute.
#   2. Eight applies at once with cache_ttl: 40 requests in all (one read); a ninth within the TTL: none; after every
#      cache file is corrupted, the next reads again and succeeds; a wrong client secret is never answered from it.
#
# Builds the provider and cmd/kore-local-api, points Terraform at the provider through a dev_overrides CLI
# configuration (no init), and keeps everything in a temporary directory removed on exit.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo_root"

readonly pages=40
readonly page_size=50
readonly groups=$((pages * page_size))
readonly rate_limit=60
readonly client_id="budget-client"
readonly client_secret="budget-secret"

check_name=budget-check
# shellcheck source=scripts/lib/local-applies.sh
source "$repo_root/scripts/lib/local-applies.sh"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kore-budget.XXXXXX")"
server_pid=""

stop_server() {
	stop_process "$server_pid"
	server_pid=""
}
stop_started() { stop_server; }
trap_end_check

prepare_local_cli

# start_server NAME starts a server of its own allowing rate_limit requests a minute, and sets KORE_HOST.
start_server() {
	start_local_server "$1" -rate-limit "$rate_limit" -rate-window 1m
	export KORE_HOST="$server_url"
}


# workdir NAME makes a configuration reading every group and printing how many it got.
workdir() {
	mkdir -p "$scratch/$1"
	cat >"$scratch/$1/main.tf" <<'TF'
terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

provider "kore" {}

data "kore_groups" "all" {}

output "group_count" {
  value = length(data.kore_groups.all.groups)
}
TF
}

step "Part 1: three applies at once, $pages pages each, against a server allowing $rate_limit requests a minute"
export KORE_CACHE_DIR="$scratch/cache-part1"
start_server part1
for i in 1 2 3; do workdir "budget-$i"; done
started=$SECONDS
run_at_once budget-1 budget-2 budget-3
took=$((SECONDS - started))
stop_server
check_applies budget-1 budget-2 budget-3
part1_requests="$(requests part1)"
part1_refusals="$(refusals part1)"
echo "3 applies: all succeeded with $groups groups each in ${took}s; $part1_requests requests, $part1_refusals answered 429"
((part1_refusals == 0)) || fail "the server answered 429 $part1_refusals times"
((part1_requests == 3 * pages)) || fail "$part1_requests requests, want $((3 * pages))"

step "Part 2: eight applies at once with cache_ttl = 1h, then a ninth"
export KORE_CACHE_DIR="$scratch/cache-part2"
export KORE_CACHE_TTL=1h
start_server part2
for i in 1 2 3 4 5 6 7 8 9; do workdir "cached-$i"; done
started=$SECONDS
run_at_once cached-1 cached-2 cached-3 cached-4 cached-5 cached-6 cached-7 cached-8
took=$((SECONDS - started))
check_applies cached-1 cached-2 cached-3 cached-4 cached-5 cached-6 cached-7 cached-8
eight_requests="$(requests part2)"
run_at_once cached-9
check_applies cached-9
ninth_requests=$(($(requests part2) - eight_requests))
echo "8 applies: all succeeded in ${took}s with $eight_requests requests in all; the ninth: $ninth_requests requests"
((eight_requests == pages)) || fail "eight applies made $eight_requests requests, want $pages (one read)"
((ninth_requests == 0)) || fail "the ninth apply made $ninth_requests requests, want none"

# Every cache entry overwritten: the next apply reads again, and succeeds. (A damaged budget record counts as a
# spent minute, by design: it would add a minute's wait here.)
before=$(requests part2)
find "$KORE_CACHE_DIR/cache" -type f ! -name '*.lock' -exec sh -c 'head -c "$(wc -c <"$1")" /dev/urandom >"$1"' _ {} \;
workdir cached-10
run_at_once cached-10
check_applies cached-10
after_corruption=$(($(requests part2) - before))
echo "after every cache entry was corrupted: the apply succeeded with $after_corruption requests"
((after_corruption == pages)) || fail "the apply after the corruption made $after_corruption requests, want $pages"

# Another client secret is never answered from the cache: it asks Kore.ai, which refuses it.
before=$(requests part2)
workdir cached-wrong
if KORE_CLIENT_SECRET="not-$client_secret" apply cached-wrong; then
	fail "an apply with the wrong client secret succeeded"
fi
wrong_requests=$(($(requests part2) - before))
echo "a wrong client secret: the apply failed after $wrong_requests requests to the server, none answered from the cache"
((wrong_requests > 0)) || fail "the wrong secret's apply never reached the server"
part2_refusals="$(refusals part2)"
stop_server
echo "429 answers in part 2: $part2_refusals"
((part2_refusals == 0)) || fail "the server answered 429 $part2_refusals times"

bad="$(find "$KORE_CACHE_DIR" \( -type f ! -perm 0600 \) -o \( -type d ! -perm 0700 \) -print)"
[[ -z "$bad" ]] || fail "cache files not private: $bad"
if grep -rlq -e 'budget-secret' -e '@example' -e '"gN"' "$KORE_CACHE_DIR"; then
	fail "a cache file holds the secret, an email or a group in clear"
fi
echo "cache files: 0600 in 0700 directories, no secret, email or group in clear"

step "Done: the budget and the cache hold"
