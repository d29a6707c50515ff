#!/usr/bin/env bash
# Compare `terraform apply` over a large local account between an earlier provider and this working tree, side by
# side in one run.
#
#   scripts/measure-state.sh [BEFORE_REF]     (default 9b83015: kore_groups still stored every group twice, in
#                                              groups and in groups_by_name)
#
# Builds the provider at BEFORE_REF (from `git archive`, so no worktree is left behind) and from this working tree,
# serves one local account (cmd/kore-local-api of this tree: KORE_DEMO_GROUPS groups of KORE_DEMO_USERS users,
# default 10,000 of 20) to both, and applies examples/large-account/main.tf with each in turn, alternating
# (before, after, before, after, ...) for KORE_MEASURE_ROUNDS rounds (default 2), so that whatever else the machine
# is doing weighs on both alike. Each apply gets a fresh working directory and a fresh cache_dir; the request budget
# is raised (the local server has no rate limit) and cache_ttl stays off, so every apply reads the whole account.
#
# For each apply it prints the wall time of the whole `terraform apply`, the peak resident memory of the largest
# single process (GNU time's maximum RSS: Terraform or the provider) and of Terraform and the provider together
# (sampled every half second), the state file's size, the size of the kore_groups data source's attributes next to
# its groups attribute alone (compact JSON, as jq writes it), and the users in state, which must equal the users the
# server holds (counted by reading every page of Get Groups directly): a run that does not add up fails.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo_root"

readonly before_ref="${1:-9b83015}"
readonly rounds="${KORE_MEASURE_ROUNDS:-2}"
readonly groups="${KORE_DEMO_GROUPS:-10000}"
readonly users_per_group="${KORE_DEMO_USERS:-20}"
readonly config="examples/large-account/main.tf"
readonly client_id="measure-client"
readonly client_secret="measure-secret"
readonly server_wait_seconds=30
readonly rss_sample_seconds=0.5

if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
	echo "measure-state: KORE_MEASURE_ROUNDS=$rounds: want a whole number of rounds, 1 or more." >&2
	exit 2
fi
for tool in jq curl openssl /usr/bin/time; do
	if ! command -v "$tool" >/dev/null; then
		echo "measure-state: $tool is needed and was not found." >&2
		exit 1
	fi
done
if ! before_commit="$(git rev-parse --verify --quiet "$before_ref^{commit}")"; then
	echo "measure-state: $before_ref is not a commit of this repository." >&2
	exit 2
fi

step() { printf '\n==> %s\n' "$*"; }

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kore-measure.XXXXXX")"
server_pid=""
cleanup() {
	local status=$?
	if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$scratch"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "Ensuring a Terraform CLI"
terraform_bin="$(bash "$repo_root/scripts/ensure-terraform.sh" terraform)"
echo "Using $terraform_bin ($("$terraform_bin" version 2>/dev/null | sed -n 1p))"

after_label="$(git describe --always --dirty)"
step "Building the provider at $before_ref (before) and at $after_label (after), and the local server"
mkdir -p "$scratch/before-src" "$scratch/before" "$scratch/after" "$scratch/bin"
git archive "$before_commit" | tar -x -C "$scratch/before-src"
(cd "$scratch/before-src" && go build -o "$scratch/before/terraform-provider-kore" .)
go build -o "$scratch/after/terraform-provider-kore" .
go build -o "$scratch/bin/kore-local-api" ./cmd/kore-local-api

step "Starting the local server: $groups groups of $users_per_group users"
"$scratch/bin/kore-local-api" -addr 127.0.0.1:0 -groups "$groups" -users "$users_per_group" \
	-client-id "$client_id" -client-secret "$client_secret" -url-file "$scratch/server.url" \
	>"$scratch/server.out" 2>"$scratch/server.log" &
server_pid=$!
deadline=$((SECONDS + server_wait_seconds))
until [[ -s "$scratch/server.url" ]]; do
	if ! kill -0 "$server_pid" 2>/dev/null || ((SECONDS >= deadline)); then
		echo "measure-state: the local server did not start." >&2
		cat "$scratch/server.log" >&2
		exit 1
	fi
	sleep 0.2
done
server_url="$(tr -d '[:space:]' <"$scratch/server.url")"
echo "Listening on $server_url"

# The server's own count of group members, read page by page with a token signed here, independently of the provider.
base64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
jwt_unsigned="$(printf '{"alg":"HS256","typ":"JWT"}' | base64url).$(printf '{"appId":"%s"}' "$client_id" | base64url)"
jwt="$jwt_unsigned.$(printf '%s' "$jwt_unsigned" | openssl dgst -sha256 -hmac "$client_secret" -binary | base64url)"
server_groups=0
server_users=0
page=0
while :; do
	body="$(printf 'auth: %s\n' "$jwt" | curl -fsS -H @- "$server_url/api/public/groups?offset=$page&limit=50")"
	read -r n_groups n_users more < <(jq -r '[(.groups | length), ([.groups[].users | length] | add // 0),
		.availableMore] | @tsv' <<<"$body")
	server_groups=$((server_groups + n_groups))
	server_users=$((server_users + n_users))
	[[ "$more" == true ]] || break
	page=$((page + 1))
done
echo "The server holds $server_groups groups and $server_users group members ($((page + 1)) pages)"
if ((server_groups != groups)); then
	echo "measure-state: the server listed $server_groups groups, not the $groups it was started with." >&2
	exit 1
fi

# peak_tree_rss PID: the highest sum, over the samples, of the resident memory of PID's descendants (KiB).
peak_tree_rss() {
	local root=$1 peak=0 now
	while kill -0 "$root" 2>/dev/null; do
		now="$(ps -e -o pid=,ppid=,rss= | awk -v root="$root" '
			{ parent[$1] = $2; rss[$1] = $3 }
			END {
				for (p in parent) {
					for (q = parent[p]; q != "" && q != 0 && q != 1; q = parent[q]) {
						if (q == root) { sum += rss[p]; break }
					}
				}
				print sum + 0
			}')"
		((now > peak)) && peak=$now
		sleep "$rss_sample_seconds"
	done
	echo "$peak"
}

# run_apply ROUND BUILD: one apply of the large account with the BUILD (before or after) provider; appends a row.
run_apply() {
	local round=$1 build=$2 dir="$scratch/run-$1-$2"
	mkdir -p "$dir/work" "$dir/cache"
	cat >"$dir/terraform.rc" <<EOF
provider_installation {
  dev_overrides {
    "kore-community/kore" = "$scratch/$build"
  }
  direct {}
}
EOF
	cp "$config" "$dir/work/main.tf"
	printf 'Round %s, %s: terraform apply ... ' "$round" "$build"
	(
		cd "$dir/work"
		for name in $(compgen -e | grep '^KORE_' || true); do unset "$name"; done
		export TF_CLI_CONFIG_FILE="$dir/terraform.rc" TF_INPUT=0 CHECKPOINT_DISABLE=1
		export KORE_HOST="$server_url" KORE_CLIENT_ID="$client_id" KORE_CLIENT_SECRET="$client_secret"
		# No rate limit on the local server; a private cache_dir keeps one apply's budget record from the next.
		export KORE_REQUESTS_PER_MINUTE=100000 KORE_REQUESTS_PER_HOUR=1000000 KORE_CACHE_DIR="$dir/cache"
		/usr/bin/time -f '%e %M' -o "$dir/time" \
			"$terraform_bin" apply -auto-approve -input=false -no-color >"$dir/apply.log" 2>&1 &
		timer=$!
		peak_tree_rss "$timer" >"$dir/tree-rss"
		wait "$timer"
	) || {
		echo "failed"
		tail -n 30 "$dir/apply.log" >&2
		echo "measure-state: terraform apply with the $build provider failed." >&2
		exit 1
	}
	local seconds max_rss tree_rss state_bytes
	read -r seconds max_rss <"$dir/time"
	tree_rss="$(<"$dir/tree-rss")"
	state_bytes="$(stat -c %s "$dir/work/terraform.tfstate")"
	local attrs_bytes groups_bytes by_name_bytes state_groups state_users output_users
	read -r attrs_bytes groups_bytes by_name_bytes state_groups state_users output_users < <(jq -r '
		[.resources[] | select(.mode == "data" and .type == "kore_groups")][0].instances[0].attributes as $a
		| [($a | tojson | utf8bytelength), ($a.groups | tojson | utf8bytelength),
			(if $a.groups_by_name == null then 0 else ($a.groups_by_name | tojson | utf8bytelength) end),
			($a.groups | length), ([$a.groups[].users | length] | add), .outputs.users.value]
		| @tsv' "$dir/work/terraform.tfstate")
	echo "${seconds} s"
	if ((state_users != server_users || output_users != server_users || state_groups != server_groups)); then
		echo "measure-state: the $build provider's state holds $state_groups groups and $state_users users" \
			"(output users = $output_users); the server holds $server_groups and $server_users." >&2
		exit 1
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$build" "$seconds" "$max_rss" "$tree_rss" \
		"$state_bytes" "$attrs_bytes" "$groups_bytes" "$by_name_bytes" "$state_users" >>"$scratch/results.tsv"
	rm -rf "$dir"
}

step "Applying, alternating: $rounds round(s) of before ($before_ref) then after ($after_label)"
for ((round = 1; round <= rounds; round++)); do
	run_apply "$round" before
	run_apply "$round" after
done

step "Results ($groups groups of $users_per_group users; $server_users users on the server; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
awk -F'\t' '
	function mib(b) { return b / 1048576 }
	BEGIN {
		printf "%-5s %-6s %9s %12s %13s %10s %14s %10s %16s %9s %8s\n", "round", "build", "apply s",
			"max RSS MiB", "tree RSS MiB*", "state MiB", "kore_groups MiB", "groups MiB", "groups_by_name MiB",
			"attrs/grp", "users"
	}
	{
		printf "%-5s %-6s %9.2f %12.0f %13.0f %10.1f %14.1f %10.1f %16.1f %9.2f %8d\n", $1, $2, $3, $4 / 1024,
			$5 / 1024, mib($6), mib($7), mib($8), mib($9), $7 / $8, $10
		n[$2]++; secs[$2] += $3; ratio[$2] = ratio[$2] > $7 / $8 ? ratio[$2] : $7 / $8; round[$1, $2] = $3
		if ($1 > rounds) rounds = $1
	}
	END {
		printf "\nafter/before apply time by round:"
		for (r = 1; r <= rounds; r++) printf " %.2f", round[r, "after"] / round[r, "before"]
		printf "\n"
		printf "mean apply: before %.2f s, after %.2f s; after/before = %.2f\n", secs["before"] / n["before"],
			secs["after"] / n["after"], (secs["after"] / n["after"]) / (secs["before"] / n["before"])
		printf "kore_groups attributes / groups, largest: before %.2f, after %.2f\n", ratio["before"], ratio["after"]
		printf "* Terraform and the provider together, sampled every '"$rss_sample_seconds"' s: it can miss a short peak.\n"
	}' "$scratch/results.tsv"
