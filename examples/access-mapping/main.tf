# Map Kore.ai group membership onto roles in another system.
#
# A variable maps Kore.ai group names to roles. Each mapped group becomes one role binding listing its members
# (from groups, keyed by name), and each user who belongs to at least one mapped group gets one assignment with
# every role their groups grant (from group_names_by_email). terraform_data stands in for the resources of the
# target system (a cloud IAM binding, a SaaS team membership, ...): swap it for the real ones.

terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

provider "kore" {}

variable "roles_by_group" {
  description = "Kore.ai group name => role its members receive."
  type        = map(string)
  default = {
    Audit          = "auditor"
    RiskManagement = "risk-analyst"
  }
}

# Read only the mapped groups; a group renamed or removed in Kore.ai shows up in unmapped_groups below instead
# of failing the run.
data "kore_groups" "mapped" {
  names          = keys(var.roles_by_group)
  ignore_missing = true
}

locals {
  # The mapped groups keyed by name. Kore.ai does not make group names unique: two groups of one name would stop
  # the plan here ("Duplicate object key"), rather than grant one group's role to the other's members.
  groups_by_name = { for g in data.kore_groups.mapped.groups : g.name => g }

  # email => sorted, de-duplicated roles granted by every mapped group the user belongs to.
  roles_by_email = {
    for email, group_names in data.kore_groups.mapped.group_names_by_email :
    email => sort(distinct([
      for name in group_names : var.roles_by_group[name] if contains(keys(var.roles_by_group), name)
    ]))
  }
}

# One binding per mapped group: the role and the emails of the group's members.
resource "terraform_data" "role_binding" {
  for_each = local.groups_by_name

  input = {
    role     = var.roles_by_group[each.key]
    group_id = each.value.id
    members  = sort([for user in each.value.users : user.email if user.email != null])
  }
}

# One assignment per user: every role the user's mapped groups grant.
resource "terraform_data" "role_assignment" {
  for_each = local.roles_by_email

  input = {
    email = each.key
    roles = each.value
  }
}

output "roles_by_email" {
  description = "The role assignments Terraform manages."
  value       = local.roles_by_email
}

output "unmapped_groups" {
  description = "Groups named in roles_by_group that do not exist in the Kore.ai account."
  value       = sort(tolist(setsubtract(keys(var.roles_by_group), [for group in data.kore_groups.mapped.groups : group.name])))
}

output "inactive_members" {
  description = "Members of the mapped groups whose Kore.ai account is not active: review their assignments."
  value = sort(distinct(flatten([
    for group in data.kore_groups.mapped.groups : [
      for user in group.users : user.email if user.email != null && user.activation_status != "active"
    ]
  ])))
}
