# A quarterly access review: who holds bot or admin roles but no longer uses the account, what changed in roles and
# groups over the last 7 days, and a check that bot roles are granted through groups rather than to users directly.
# `make demo` runs it against the local Kore.ai-like server.

terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

# Host and credentials come from KORE_HOST, KORE_CLIENT_ID and KORE_CLIENT_SECRET. The app needs the API scopes
# Profile Management > Role Management, User Management > User Management (include_activity) and
# Logs > Admin Console Audit Logs (kore_audit_logs).
provider "kore" {}

variable "stale_after_days" {
  description = "A user whose last login is older than this is stale."
  type        = number
  default     = 90
}

# Every user with their roles, and with include_activity their status and last login.
data "kore_users" "all" {
  include_activity = true
}

# The role and group changes of the last 7 days.
data "kore_audit_logs" "access_changes" {
  from       = timeadd(plantimestamp(), "-168h")
  categories = ["Role Management", "Group Management"]
}

locals {
  stale_before = timeadd(plantimestamp(), "-${var.stale_after_days * 24}h")

  privileged = [
    for user in data.kore_users.all.users : user
    if length(user.bot_roles) > 0 || length(user.admin_roles) > 0
  ]

  # Users holding a role who are not active, never logged in, or last logged in before stale_before.
  dormant = {
    for user in local.privileged : coalesce(user.email, user.id) => (
      user.status != "active" ? "status ${coalesce(user.status, "unknown")}" :
      user.last_login == null ? "never logged in" : "last login ${user.last_login}"
    )
    if user.status != "active" || user.last_login == null || try(timecmp(user.last_login, local.stale_before) < 0, true)
  }

  direct_bot_roles = flatten([
    for user in data.kore_users.all.users : [
      for role in user.bot_roles : "${coalesce(user.email, user.id)}: ${coalesce(role.role_name, role.role_id)} in ${coalesce(role.bot_name, role.bot_id)}"
      if length(role.via_groups) == 0
    ]
  ])
}

# Bot roles should reach users through groups, so that removing someone from a group removes their access.
check "bot_roles_through_groups" {
  assert {
    condition     = length(local.direct_bot_roles) == 0
    error_message = "${length(local.direct_bot_roles)} bot roles are granted to users directly rather than through a group, for example: ${join("; ", slice(local.direct_bot_roles, 0, min(3, length(local.direct_bot_roles))))}."
  }
}

output "dormant_role_holders" {
  description = "Users holding a bot or admin role who are not active or have not logged in within stale_after_days."
  value       = local.dormant
}

output "access_changes_last_7_days" {
  description = "The role and group changes of the last 7 days, oldest first."
  value       = [for e in data.kore_audit_logs.access_changes.entries : "${e.time} ${e.name}: ${e.description}"]
}

output "direct_bot_roles" {
  description = "Bot roles granted to users directly, which the check above warns about."
  value       = length(local.direct_bot_roles)
}
