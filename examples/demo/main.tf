# The configuration `make demo` applies against the local Kore.ai-like server (cmd/kore-local-api).

terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

# Host and credentials come from KORE_HOST, KORE_CLIENT_ID and KORE_CLIENT_SECRET.
provider "kore" {}

data "kore_groups" "all" {}

# The two groups of Kore.ai's sample response: Audit and RiskManagement.
data "kore_groups" "compliance" {
  name_regex = "^(Audit|RiskManagement)$"
}

data "kore_group" "audit" {
  name = "Audit"
}

# A built-in resource fed by the data sources, as a real role assignment would be.
resource "terraform_data" "compliance_access" {
  input = data.kore_groups.compliance.group_names_by_email
}

output "groups" {
  description = "Every group, sorted by name, with its number of members."
  value       = [for group in data.kore_groups.all.groups : format("%s (%d users)", group.name, group.user_count)]
}

output "access_map" {
  description = "Email => names of the compliance groups the user belongs to, as fed to terraform_data."
  value       = terraform_data.compliance_access.output
}

output "users_in_account" {
  description = "Distinct users across every group (data.kore_groups.all.group_names_by_email has them all)."
  value       = length(data.kore_groups.all.group_names_by_email)
}

output "audit_members" {
  description = "Members of the Audit group, every attribute shown: note job_title null versus \"\"."
  value       = data.kore_group.audit.users
}
