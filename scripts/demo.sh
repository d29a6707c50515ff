#!/usr/bin/env bash
# Run the provider end to end against a local Kore.ai-like API: no Kore.ai account and no network needed.
#
# Builds the provider and cmd/kore-local-api, starts the server on a free loopback port, points Terraform at the
# freshly built provider through a dev_overrides CLI configuration (so no `terraform init`), applies
# examples/demo/main.tf and prints its outputs, ending with its access review (who holds which role in each bot).
# Everything lives in a temporary directory removed on exit.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo_root"

readonly server_wait_seconds=30
# Larger accounts and other configurations, e.g. for `make measure-apply`.
readonly demo_groups="${KORE_DEMO_GROUPS:-123}"
readonly demo_users="${KORE_DEMO_USERS:-5}"
readonly demo_config="${KORE_DEMO_CONFIG:-examples/demo/main.tf}"
# KORE_DEMO_MEASURE=1: log the provider at TRACE and report how long each ReadDataSource spent inside it.
readonly demo_measure="${KORE_DEMO_MEASURE:-}"
readonly demo_client_id="demo-client"
readonly demo_client_secret="demo-secret"

step() { printf '\n==> %s\n' "$*"; }

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kore-demo.XXXXXX")"
server_pid=""

cleanup() {
	local status=$?
	if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	if [[ $status -ne 0 && -s "$scratch/server.log" ]]; then
		echo "--- last lines of the local server's log ---" >&2
		tail -n 20 "$scratch/server.log" >&2
	fi
	rm -rf "$scratch"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "Ensuring a Terraform CLI"
terraform_bin="$(bash "$repo_root/scripts/ensure-terraform.sh" terraform)"
echo "Using $terraform_bin"

step "Building the provider and the local Kore.ai-like server"
mkdir -p "$scratch/plugins" "$scratch/bin" "$scratch/work"
go build -o "$scratch/plugins/terraform-provider-kore" .
go build -o "$scratch/bin/kore-local-api" ./cmd/kore-local-api

step "Starting the local server"
url_file="$scratch/server.url"
"$scratch/bin/kore-local-api" \
	-addr 127.0.0.1:0 \
	-groups "$demo_groups" \
	-users "$demo_users" \
	-client-id "$demo_client_id" \
	-client-secret "$demo_client_secret" \
	-url-file "$url_file" \
	>"$scratch/server.log" 2>&1 &
server_pid=$!

# Poll for the URL file: the server writes it once it is listening.
deadline=$((SECONDS + server_wait_seconds))
server_url=""
while [[ -z "$server_url" ]]; do
	if ! kill -0 "$server_pid" 2>/dev/null; then
		echo "demo: the local server exited before it was ready." >&2
		exit 1
	fi
	if [[ -s "$url_file" ]]; then
		server_url="$(tr -d '[:space:]' <"$url_file")"
	fi
	if [[ -z "$server_url" ]]; then
		if ((SECONDS >= deadline)); then
			echo "demo: the local server did not write $url_file within ${server_wait_seconds}s." >&2
			exit 1
		fi
		sleep 0.2
	fi
done
echo "Local server listening on $server_url"

step "Configuring Terraform to use the freshly built provider"
cat >"$scratch/terraform.rc" <<EOF
provider_installation {
  dev_overrides {
    "kore-community/kore" = "$scratch/plugins"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$scratch/terraform.rc"
export TF_INPUT=0
export CHECKPOINT_DISABLE=1
cp "$demo_config" "$scratch/work/main.tf"

# Only the demo credentials: settings from the caller's environment (a KORE_JWT, say) must not leak in.
for name in $(compgen -e | grep '^KORE_' || true); do
	unset "$name"
done
export KORE_HOST="$server_url"
export KORE_CLIENT_ID="$demo_client_id"
export KORE_CLIENT_SECRET="$demo_client_secret"
# The request budget's record (and the cache, were cache_ttl set) stays in the scratch directory, not the user's.
export KORE_CACHE_DIR="$scratch/cache"
if [[ -n "$demo_measure" ]]; then
	# The local server has no rate limit; the default of 60 a minute would make the read wait for the bucket.
	export KORE_REQUESTS_PER_MINUTE=100000
	export TF_LOG_PROVIDER=TRACE
	export TF_LOG_PATH="$scratch/terraform.log"
fi

# Colours only for a terminal: CI logs would show the escape codes.
color_flags=()
[[ -t 1 ]] || color_flags=(-no-color)

step "terraform apply (no init needed with dev_overrides)"
cd "$scratch/work"
# The full plan repeats every output; show the progress lines and keep the rest for when something fails.
if ! "$terraform_bin" apply -auto-approve -input=false -compact-warnings "${color_flags[@]}" >"$scratch/apply.log" 2>&1; then
	cat "$scratch/apply.log" >&2
	echo "demo: terraform apply failed." >&2
	exit 1
fi
grep -E 'Reading\.\.\.|Read complete|Creating\.\.\.|Creation complete|Apply complete' "$scratch/apply.log" || true

if [[ -n "$demo_measure" ]]; then
	step "Time spent inside the provider per ReadDataSource (TRACE log: request received to response served)"
	# tf6server logs "Received request" and "Served request" around every call; pair them by tf_req_id.
	grep -E 'tf_rpc=ReadDataSource' "$TF_LOG_PATH" | grep -E 'Received request|Served request' |
		sed -E 's/^([0-9T:.-]+)[^ ]* .*(Received|Served) request.*tf_req_id=([0-9a-f-]+).*/\1 \2 \3/' |
		awk '{ cmd = "date -d " $1 " +%s.%N"; cmd | getline t; close(cmd)
			if ($2 == "Received") start[$3] = t; else printf "  ReadDataSource %s: %.2f s\n", $3, t - start[$3] }'
fi

# The access review, when the configuration has one, ends the demo: every other output comes first.
readonly review_output="access_review"
mapfile -t output_names < <("$terraform_bin" output -json | sed -nE 's/^  "([^"]+)": \{$/\1/p')
has_review=""
step "terraform output"
for name in "${output_names[@]}"; do
	if [[ "$name" == "$review_output" ]]; then
		has_review=1
		continue
	fi
	printf '%s = %s\n' "$name" "$("$terraform_bin" output "${color_flags[@]}" "$name")"
done

step "What the local server saw (one shared read of every listing per Terraform run)"
cat "$scratch/server.log"

if [[ -n "$has_review" ]]; then
	step "Access review: for each bot, who holds which role, directly or through which group"
	"$terraform_bin" output "${color_flags[@]}" "$review_output"
fi

# The quarterly review needs the activity and the audit logs; only with the default configuration.
if [[ -z "${KORE_DEMO_CONFIG:-}" ]]; then
	step "Quarterly access review (examples/quarterly-review): dormant role holders, last week's changes, a check"
	mkdir -p "$scratch/quarterly"
	cp "$repo_root/examples/quarterly-review/main.tf" "$scratch/quarterly/main.tf"
	cd "$scratch/quarterly"
	if ! "$terraform_bin" apply -auto-approve -input=false -no-color >"$scratch/quarterly.log" 2>&1; then
		cat "$scratch/quarterly.log" >&2
		echo "demo: terraform apply of the quarterly review failed." >&2
		exit 1
	fi
	# The check block warns, it does not fail: show its warning, then the outputs.
	grep -A8 'Warning: Check block assertion failed' "$scratch/quarterly.log" | grep -v '^\s*$' || true
	for name in dormant_role_holders direct_bot_roles access_changes_last_7_days; do
		printf '%s = %s\n' "$name" "$("$terraform_bin" output "${color_flags[@]}" "$name" | head -n 12)"
	done
fi

step "Done"
