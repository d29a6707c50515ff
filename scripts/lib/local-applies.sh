# Shared by the checks that run real `terraform apply` processes against cmd/kore-local-api (budget-check.sh,
# fleet-check.sh, first-contact-check.sh). Source it after setting check_name (the check's name in messages, e.g.
# "budget-check"); its functions use, when they run:
#
#   repo_root, scratch      the repository and the check's temporary directory
#   client_id, client_secret the credentials the local server accepts
#   groups                  (for check_applies) how many groups every apply must read
#   stop_started            (for end_check) the check's function that stops the processes it started

step() { printf '\n==> %s\n' "$*"; }

fail() {
	echo "$check_name: $*" >&2
	exit 1
}

# stop_process PID [SIGNAL] stops a process the check started (SIGTERM unless told) and waits for it to end.
stop_process() {
	local pid="$1" signal="${2:-TERM}"
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill "-$signal" "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
}

# end_check is every check's EXIT trap: it stops what the check started, prints the last lines of each apply's log
# when the check failed, and removes $scratch. trap_end_check sets it, and makes SIGINT and SIGTERM end the check
# through it.
end_check() {
	local status=$? log
	stop_started
	if [[ $status -ne 0 ]]; then
		for log in "$scratch"/*/apply.log; do
			[[ -s "$log" ]] || continue
			echo "--- last lines of $log ---" >&2
			tail -n 15 "$log" >&2
		done
	fi
	rm -rf "$scratch"
	exit "$status"
}

trap_end_check() {
	trap end_check EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# prepare_local_cli ensures a Terraform CLI (terraform_bin), builds the provider and the local server into $scratch,
# points Terraform at the provider through a dev_overrides CLI configuration (no init), and leaves the provider only
# the credentials of the local server in its environment.
prepare_local_cli() {
	step "Ensuring a Terraform CLI"
	terraform_bin="$(bash "$repo_root/scripts/ensure-terraform.sh" terraform)"
	echo "Using $terraform_bin"

	step "Building the provider and the local Kore.ai-like server"
	mkdir -p "$scratch/plugins" "$scratch/bin"
	go build -o "$scratch/plugins/terraform-provider-kore" "$repo_root"
	go build -o "$scratch/bin/kore-local-api" "$repo_root/cmd/kore-local-api"

	cat >"$scratch/terraform.rc" <<RC
provider_installation {
  dev_overrides {
    "kore-community/kore" = "$scratch/plugins"
  }
  direct {}
}
RC
	export TF_CLI_CONFIG_FILE="$scratch/terraform.rc"
	export TF_INPUT=0
	export CHECKPOINT_DISABLE=1
	local name
	for name in $(compgen -e | grep '^KORE_' || true); do
		unset "$name"
	done
	export KORE_CLIENT_ID="$client_id"
	export KORE_CLIENT_SECRET="$client_secret"
}

# start_local_server NAME [FLAGS...] starts a local server of its own (a new port is a new account: the budgets of
# earlier parts do not carry over), logging to $scratch/NAME.server.log, and waits until it listens: server_pid is
# its process, server_url its URL. It runs in the calling shell, so that the check can stop what it started.
start_local_server() {
	local name=$1 url_file="$scratch/$1.url"
	shift
	"$scratch/bin/kore-local-api" -addr 127.0.0.1:0 -groups "$groups" -users 2 \
		-client-id "$client_id" -client-secret "$client_secret" -url-file "$url_file" "$@" \
		>"$scratch/$name.server.log" 2>&1 &
	server_pid=$!
	local deadline=$((SECONDS + 30))
	until [[ -s "$url_file" ]]; do
		kill -0 "$server_pid" 2>/dev/null || fail "the local server $name exited before it was ready"
		((SECONDS < deadline)) || fail "the local server $name did not start within 30s"
		sleep 0.2
	done
	server_url="$(tr -d '[:space:]' <"$url_file")"
}

# requests NAME counts the requests the local server NAME answered.
requests() { grep -c 'msg=request' "$scratch/$1.server.log" || true; }

# refusals NAME counts the requests the local server NAME refused as over its rate limit.
refusals() { grep -c 'msg=request.*status=429' "$scratch/$1.server.log" || true; }

# apply NAME runs terraform apply in $scratch/NAME, its output in $scratch/NAME/apply.log.
apply() {
	(cd "$scratch/$1" && "$terraform_bin" apply -auto-approve -input=false -no-color >apply.log 2>&1)
}

# check_applies NAME... asserts that every apply succeeded with every group.
check_applies() {
	local name count
	for name in "$@"; do
		count="$(cd "$scratch/$name" && "$terraform_bin" output -raw group_count 2>/dev/null || echo none)"
		[[ "$count" == "$groups" ]] || fail "$name read $count groups, want $groups"
	done
}

# run_at_once NAME... starts the applies together and fails if any fails.
run_at_once() {
	local pids=() name failed=0 i
	for name in "$@"; do
		apply "$name" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || {
			echo "$check_name: terraform apply in ${*:$((i + 1)):1} failed" >&2
			failed=1
		}
	done
	((failed == 0)) || exit 1
}
