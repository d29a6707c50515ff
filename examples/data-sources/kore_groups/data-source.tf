terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

# Every group of the account with its members. Large accounts may need a longer read timeout.
data "kore_groups" "all" {
  timeouts {
    read = "20m"
  }
}

# Only the named groups. A name that does not exist is an error unless ignore_missing is true.
data "kore_groups" "compliance" {
  names          = ["Audit", "RiskManagement"]
  ignore_missing = true
}

# Groups whose name matches an RE2 regular expression.
data "kore_groups" "engineering" {
  name_regex = "^Engineering"
}

# Names, descriptions and member counts only: users is null for every group.
data "kore_groups" "summary" {
  include_users = false
}

output "group_names" {
  description = "Every group name, sorted."
  value       = [for group in data.kore_groups.all.groups : group.name]
}

output "engineering_group_ids" {
  value = [for group in data.kore_groups.engineering.groups : group.id]
}

output "audit_member_emails" {
  description = "Members of the Audit group, or an empty list when the account has no such group."
  value = flatten([
    for group in data.kore_groups.compliance.groups : [for user in group.users : user.email] if group.name == "Audit"
  ])
}

output "group_names_by_email" {
  description = "For each user's email, the sorted names of the groups the user belongs to."
  value       = data.kore_groups.all.group_names_by_email
}

output "user_counts" {
  value = { for group in data.kore_groups.summary.groups : group.id => group.user_count }
}
