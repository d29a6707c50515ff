terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
  required_version = ">= 1.8.0"
}

# Every group, so that every nested group can be looked up; members must be read (include_users defaults to true).
data "kore_groups" "all" {}

locals {
  # Group name => its members, those of nested groups included, each with `via`: the nested groups through which
  # the user belongs, outermost first ([] for a direct member).
  members = provider::kore::effective_members(data.kore_groups.all.groups)
}

# Who belongs to Engineering, and how: "alice@example.com (direct)", "bob@example.com (Platform > SRE)".
output "engineering" {
  value = [
    for user in local.members["Engineering"] :
    "${coalesce(user.email, user.id)} (${length(user.via) == 0 ? "direct" : join(" > ", user.via)})"
  ]
}

# The emails to grant an Engineering role to, nested groups included.
output "engineering_emails" {
  value = sort([for user in local.members["Engineering"] : user.email if user.email != null])
}
