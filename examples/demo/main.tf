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

# Who holds which role in which bot, and through which group.
data "kore_users" "all" {}

locals {
  # One line per role a user holds in a bot, saying how it reaches them: directly, or through the named groups.
  bot_grants = flatten([
    for user in data.kore_users.all.users : [
      for role in user.bot_roles : {
        bot = coalesce(role.bot_name, role.bot_id)
        line = format("%s: %s (%s)", coalesce(user.email, user.id), coalesce(role.role_name, role.role_id),
          length(coalesce(role.via_groups, [])) == 0 ? "direct" : "via ${join(", ", role.via_groups)}",
        )
      }
    ]
  ])
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

output "access_review" {
  description = "For each bot, who holds which role and through which group (users by email, as kore_users sorts them)."
  value       = { for grant in local.bot_grants : grant.bot => grant.line... }
}
