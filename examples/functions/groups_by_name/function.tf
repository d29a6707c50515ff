terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
  required_version = ">= 1.8.0"
}

data "kore_groups" "all" {}

locals {
  # Group name => group object, computed here rather than stored in state.
  groups = provider::kore::groups_by_name(data.kore_groups.all.groups)
}

output "audit_member_emails" {
  value = [for user in local.groups["Audit"].users : user.email]
}

output "audit_id" {
  value = local.groups["Audit"].id
}
