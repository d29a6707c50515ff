#!/usr/bin/env bash
# Record testdata/contract/local-api: `make contract`'s check and recording, made against cmd/kore-local-api on a
# free loopback port instead of a real account. The recording is what `go test ./internal/contract` and the
# provider's contract replay test replay, and what its scrubbing test searches for the local account's real data.
#
# Every endpoint is checked; KORE_CONTRACT_LOCAL_ENDPOINTS (comma-separated, as kore-contract -endpoints) picks some.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo_root"

# The account's size and credentials: internal/contract/local_recording_test.go knows them, to search the recording
# for the account's real emails, names and secrets.
readonly local_groups=5 local_users=2 local_bots=2
readonly local_client_id="cs-contract-local-0001"
readonly local_client_secret="contract-local-secret-Vq7Lm2Xw9Rt4"
readonly endpoints="${KORE_CONTRACT_LOCAL_ENDPOINTS:-}"
readonly dir="${KORE_CONTRACT_DIR:-testdata/contract/local-api}"
readonly server_wait_seconds=30

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kore-contract-local.XXXXXX")"
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

go build -o "$scratch/kore-local-api" ./cmd/kore-local-api
go build -o "$scratch/kore-contract" ./cmd/kore-contract

url_file="$scratch/server.url"
"$scratch/kore-local-api" -addr 127.0.0.1:0 -groups "$local_groups" -users "$local_users" -bots "$local_bots" \
	-client-id "$local_client_id" -client-secret "$local_client_secret" -url-file "$url_file" \
	>"$scratch/server.log" 2>&1 &
server_pid=$!

deadline=$((SECONDS + server_wait_seconds))
server_url=""
while [[ -z "$server_url" ]]; do
	if ! kill -0 "$server_pid" 2>/dev/null; then
		echo "contract-local: the local server exited before it was ready." >&2
		exit 1
	fi
	[[ -s "$url_file" ]] && server_url="$(tr -d '[:space:]' <"$url_file")"
	if [[ -z "$server_url" ]]; then
		if ((SECONDS >= deadline)); then
			echo "contract-local: the local server did not write $url_file within ${server_wait_seconds}s." >&2
			exit 1
		fi
		sleep 0.2
	fi
done

rm -rf "$dir"
# A cache directory of its own: the local account's budget is no real account's.
env -u KORE_JWT KORE_HOST="$server_url" KORE_CLIENT_ID="$local_client_id" KORE_CLIENT_SECRET="$local_client_secret" \
	KORE_CACHE_DIR="$scratch/cache" KORE_CONTRACT_DIR="$dir" \
	"$scratch/kore-contract" ${endpoints:+-endpoints "$endpoints"}
