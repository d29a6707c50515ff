# Shared by the checks that run real `terraform apply` processes against cmd/kore-local-api (budget-check.sh,
# fleet-check.sh, first-contact-check.sh). Source it after setting:
#
#   repo_root, scratch      the repository and the check's temporary directory
#   check_name              the check's name, for messages ("budget-check")
#   client_id, client_secret the credentials the local server accepts
#   groups                  (for check_applies) how many groups every apply must read
#   step, fail              the check's own progress and failure functions

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
