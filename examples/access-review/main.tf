# Review who can do what in Kore.ai, and how they came to hold it.
#
# kore_users gives every user's role in each bot and their account-wide admin roles, each with the groups through
# which it reaches them (none when it was assigned to the user directly); kore_groups adds each member's activation
# status. From them this configuration reports
#
#   - access_by_bot: for each bot, each role and who holds it, directly or through which groups;
#   - admin_access: each admin role and who holds it, the same way;
#   - direct_grants: roles assigned to a person rather than to a group, the usual finding of an access review;
#   - privileged_holders: who holds the roles named in privileged_roles, in a bot or account-wide;
#   - inactive_holders: users whose account is not active (as their groups show it) but who still hold roles.
#
# A check block warns when a privileged role is held directly, and terraform_data keeps the last review applied:
# the next plan shows exactly whose access changed since.

terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

provider "kore" {}

variable "bots" {
  description = "Names of the bots to review; empty reviews every bot."
  type        = set(string)
  default     = []
}

variable "privileged_roles" {
  description = "Bot and admin roles that should reach people only through groups."
  type        = set(string)
  default     = ["Bot Owner", "Master Admin", "Bot Admin", "Security Admin"]
}

data "kore_users" "all" {}

# Only for the members' activation status: Get User Roles Details does not say whether an account is active.
data "kore_groups" "all" {}

locals {
  # One entry per role held, with how it reaches the user. The API may leave a name out: fall back to the ID.
  bot_grants = flatten([
    for user in data.kore_users.all.users : [
      for role in user.bot_roles : {
        user = coalesce(user.email, user.id)
        bot  = coalesce(role.bot_name, role.bot_id)
        role = coalesce(role.role_name, role.role_id)
        via  = coalesce(role.via_groups, [])
      } if length(var.bots) == 0 || contains(var.bots, coalesce(role.bot_name, role.bot_id))
    ]
  ])
  admin_grants = flatten([
    for user in data.kore_users.all.users : [
      for role in user.admin_roles : {
        user = coalesce(user.email, user.id)
        role = coalesce(role.role_name, role.role_id)
        via  = coalesce(role.via_groups, [])
      }
    ]
  ])

  # Each grant with a line saying how it reaches its user: "alice@example.com (direct)" or
  # "bob@example.com (via Engineering, Support)".
  bot_lines = [
    for g in local.bot_grants : merge(g, {
      line = format("%s (%s)", g.user, length(g.via) == 0 ? "direct" : "via ${join(", ", g.via)}")
    })
  ]
  admin_lines = [
    for g in local.admin_grants : merge(g, {
      line = format("%s (%s)", g.user, length(g.via) == 0 ? "direct" : "via ${join(", ", g.via)}")
    })
  ]

  # bot => role => holders, in email order (kore_users sorts users by email).
  access_by_bot = {
    for bot in distinct([for g in local.bot_lines : g.bot]) :
    bot => { for g in local.bot_lines : g.role => g.line... if g.bot == bot }
  }
  admin_access = { for g in local.admin_lines : g.role => g.line... }

  direct_grants = concat(
    [for g in local.bot_grants : format("%s: %s in %s", g.user, g.role, g.bot) if length(g.via) == 0],
    [for g in local.admin_grants : format("%s: %s (admin)", g.user, g.role) if length(g.via) == 0],
  )

  privileged_holders = {
    for g in concat(local.bot_lines, local.admin_lines) : g.role => g.user... if contains(var.privileged_roles, g.role)
  }
  privileged_direct = sort(distinct([
    for g in concat(local.bot_grants, local.admin_grants) :
    format("%s: %s", g.user, g.role) if contains(var.privileged_roles, g.role) && length(g.via) == 0
  ]))

  # email => the activation statuses the user's group memberships show (one per group).
  statuses_by_email = {
    for member in flatten([for group in data.kore_groups.all.groups : coalesce(group.users, [])]) :
    member.email => member.activation_status... if member.email != null
  }
  holders = distinct(concat([for g in local.bot_grants : g.user], [for g in local.admin_grants : g.user]))
  inactive_holders = sort([
    for email in local.holders : email
    if anytrue([for status in lookup(local.statuses_by_email, email, []) : status != "active"])
  ])
}

check "privileged_roles_come_from_groups" {
  assert {
    condition     = length(local.privileged_direct) == 0
    error_message = "Privileged roles held directly, not through a group: ${join("; ", local.privileged_direct)}."
  }
}

# The review as applied last: a later plan shows every change of access since, as an update of this resource.
resource "terraform_data" "last_review" {
  input = {
    bots  = local.access_by_bot
    admin = local.admin_access
  }
}

output "access_by_bot" {
  description = "Bot => role => who holds it, directly or through which groups."
  value       = local.access_by_bot
}

output "admin_access" {
  description = "Admin role => who holds it, directly or through which groups."
  value       = local.admin_access
}

output "direct_grants" {
  description = "Roles assigned to a user directly: move them to a group, or record why they are not."
  value       = local.direct_grants
}

output "privileged_holders" {
  description = "Privileged role => the users who hold it, however it reaches them."
  value       = { for role, users in local.privileged_holders : role => sort(distinct(users)) }
}

output "inactive_holders" {
  description = "Users who hold roles although a group of theirs shows their account as not active."
  value       = local.inactive_holders
}

output "users_reviewed" {
  description = "Users in the account, as Kore.ai counts them."
  value       = data.kore_users.all.total
}
