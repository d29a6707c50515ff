terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

# Every user of the account with the roles they hold. Large accounts may need a longer read timeout.
data "kore_users" "all" {
  timeouts {
    read = "20m"
  }
}

# Only the named users. An email that no user has is an error unless ignore_missing is true.
data "kore_users" "reviewed" {
  emails         = ["sample1@example.com", "sample3@example.com", "former.employee@example.com"]
  ignore_missing = true
}

output "bot_roles_by_email" {
  description = "For each user, \"role in bot\" for every bot role they hold, however it reaches them."
  value = {
    for user in data.kore_users.all.users : user.email => [
      for role in user.bot_roles : "${role.role_name} in ${role.bot_name}"
    ] if user.email != null
  }
}

output "admins" {
  description = "Users who hold any account-wide admin role."
  value       = [for user in data.kore_users.all.users : user.email if length(coalesce(user.admin_roles, [])) > 0]
}

output "granted_through_groups" {
  description = "For each reviewed user, the groups through which their bot roles reach them."
  value = {
    for user in data.kore_users.reviewed.users : user.email => sort(distinct(flatten([
      for role in user.bot_roles : role.via_groups
    ])))
  }
}

output "users_in_account" {
  description = "What the API reported, before the emails filter."
  value       = data.kore_users.reviewed.total
}
