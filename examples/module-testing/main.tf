# A module that grants roles to the effective members of Kore.ai groups: a group's own users and those of every
# group nested in it. terraform_data stands in for the role assignment resource of the target system.
terraform {
  required_version = ">= 1.8.0"

  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

variable "roles_by_group" {
  description = "Kore.ai group name => role granted to the group's effective members."
  type        = map(string)
}

data "kore_groups" "all" {}

locals {
  members = provider::kore::effective_members(data.kore_groups.all.groups)

  unknown_groups = sort([for group in keys(var.roles_by_group) : group if !contains(keys(local.members), group)])

  # One grant per mapped group and member with an email; path says how the member belongs.
  grants = flatten([
    for group, role in var.roles_by_group : [
      for user in lookup(local.members, group, []) : {
        email = user.email
        role  = role
        path  = join(" > ", concat([group], user.via))
      } if user.email != null
    ]
  ])

  # "role email" => every grant of that role to that user (several groups may grant it).
  grants_by_assignment = { for g in local.grants : "${g.role} ${g.email}" => g... }
}

resource "terraform_data" "role_assignment" {
  for_each = local.grants_by_assignment

  input = {
    email      = each.value[0].email
    role       = each.value[0].role
    granted_by = sort([for g in each.value : g.path])
  }
}

output "roles_by_email" {
  description = "email => sorted roles granted to that user."
  value = {
    for email in distinct([for g in local.grants : g.email]) :
    email => sort(distinct([for g in local.grants : g.role if g.email == email]))
  }

  precondition {
    condition     = length(local.unknown_groups) == 0
    error_message = "roles_by_group names groups that Kore.ai does not have: ${join(", ", local.unknown_groups)}."
  }
}

output "members_without_email" {
  description = "ids of mapped members who have no email, and so get no role."
  value = sort(distinct(flatten([
    for group in keys(var.roles_by_group) : [
      for user in lookup(local.members, group, []) : user.id if user.email == null
    ]
  ])))
}
