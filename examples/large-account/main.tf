# The configuration `make measure-apply` applies against a local account of 10,000 groups of 20 users.

terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

# Host and credentials come from KORE_HOST, KORE_CLIENT_ID and KORE_CLIENT_SECRET.
provider "kore" {}

data "kore_groups" "all" {
  timeouts {
    read = "20m"
  }
}

output "groups" {
  description = "Groups read."
  value       = length(data.kore_groups.all.groups)
}

output "users" {
  description = "Group members read, over every group."
  value       = sum([for group in data.kore_groups.all.groups : length(group.users)])
}
