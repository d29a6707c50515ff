#!/usr/bin/env bash
# Check, with real `terraform apply` processes against the local Kore.ai-like API, the answers a real account gives
# that the provider's own servers never did:
#
#   1. A busy account: six applies, one after another, of a 40-page account that deletes, adds or renames a group
#      every 3 s. Each apply that succeeds holds the groups exactly as the server served them at one moment (the
#      server logs the digest of every state; the apply outputs the digest of what it read). At least four succeed;
#      any that fails names allow_inexact_reads.
#   2. The per-minute rate-limit text under HTTP 400 (Kore.ai documents no status): an apply of 40 pages against a
#      server allowing 30 a minute waits for the minute and succeeds (a little over a minute, run beside part 1).
#   3. The hourly text on every answer: the apply fails within a minute after at most 3 requests, saying so.
#
# Builds the provider and cmd/kore-local-api, points Terraform at the provider through a dev_overrides CLI
# configuration (no init), and keeps everything in a temporary directory removed on exit.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo_root"

readonly pages=40
readonly page_size=50
readonly groups=$((pages * page_size))
readonly client_id="contact-client"
readonly client_secret="contact-secret"

check_name=first-contact-check
# shellcheck source=scripts/lib/local-applies.sh
source "$repo_root/scripts/lib/local-applies.sh"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kore-contact.XXXXXX")"
server_pids=()

stop_started() {
	local pid
	for pid in "${server_pids[@]}"; do
		stop_process "$pid"
	done
}
trap_end_check

prepare_local_cli

# start_server NAME FLAGS... starts a server of its own (a new port is a new account) and sets server_url.
start_server() {
	start_local_server "$@"
	server_pids+=("$server_pid")
}

# workdir NAME HOST makes a configuration reading every group of HOST with its own cache directory (its own
# machine's budget), printing how many groups it got and their digest.
workdir() {
	mkdir -p "$scratch/$1"
	cat >"$scratch/$1/main.tf" <<TF
terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

provider "kore" {
  host      = "$2"
  cache_dir = "$scratch/$1/cache"
}

data "kore_groups" "all" {}

output "group_count" {
  value = length(data.kore_groups.all.groups)
}

output "digest" {
  value = sha256(jsonencode(sort([for g in data.kore_groups.all.groups : "\${g.id}=\${g.name}"])))
}
TF
}

step "Part 2 (in the background): the per-minute text under HTTP 400, 30 requests a minute allowed"
start_server minute -rate-limit 30 -rate-window 1m -rate-limit-status 400 -rate-limit-text per-minute
minute_url="$server_url"
workdir minute "$minute_url"
minute_started=$SECONDS
apply minute &
minute_pid=$!

step "Part 1: six applies of a $pages-page account that changes every 3 s"
start_server busy -churn 3s -latency 100ms
busy_url="$server_url"
succeeded=0
for i in 1 2 3 4 5 6; do
	workdir "busy-$i" "$busy_url"
	if apply "busy-$i"; then
		digest="$(cd "$scratch/busy-$i" && "$terraform_bin" output -raw digest)"
		count="$(cd "$scratch/busy-$i" && "$terraform_bin" output -raw group_count)"
		grep -q "digest=$digest" "$scratch/busy.server.log" ||
			fail "apply $i read $count groups that the server never served at one moment (digest $digest)"
		echo "apply $i: succeeded with $count groups, exactly a state the server served"
		succeeded=$((succeeded + 1))
	else
		grep -q 'allow_inexact_reads' "$scratch/busy-$i/apply.log" ||
			fail "apply $i failed without naming allow_inexact_reads"
		echo "apply $i: failed, naming allow_inexact_reads"
	fi
done
changes="$(grep -c 'msg="groups served"' "$scratch/busy.server.log" || true)"
echo "$succeeded of 6 applies succeeded; the server served $changes states"
((succeeded >= 4)) || fail "only $succeeded of 6 applies succeeded, want at least 4"

step "Part 3: every answer is the hourly rate-limit text"
start_server hour -hour-spent -rate-limit-status 400
hour_url="$server_url"
workdir hour "$hour_url"
started=$SECONDS
if apply hour; then
	fail "an apply against an account whose hour is spent succeeded"
fi
took=$((SECONDS - started))
hour_requests="$(requests hour)"
grep -q 'Kore.ai Hourly Rate Limit Reached' "$scratch/hour/apply.log" || fail "the error does not say the hourly limit"
echo "the apply failed in ${took}s after $hour_requests requests, saying the hourly limit is reached"
((took < 60)) || fail "it took ${took}s, want under a minute"
((hour_requests <= 3)) || fail "$hour_requests requests, want at most 3"

step "Part 2: waiting for the apply refused with the per-minute text"
wait "$minute_pid" || fail "the apply refused with the per-minute text under HTTP 400 failed"
count="$(cd "$scratch/minute" && "$terraform_bin" output -raw group_count)"
refused="$(grep -c 'msg=request.*status=400' "$scratch/minute.server.log" || true)"
echo "the apply succeeded with $count groups in $((SECONDS - minute_started))s; $refused answers were the per-minute text"
[[ "$count" == "$groups" ]] || fail "it read $count groups, want $groups"
((refused > 0)) || fail "the server never refused: the check did not exercise the per-minute text"

step "Done: a busy account, the per-minute and the hourly limits are handled"
