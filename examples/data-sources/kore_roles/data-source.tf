terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

# The account-level roles of the Admin Console. Get Roles sends admin roles without an ID, so kore_roles reads
# their IDs from Export Roles (one more request) by name.
data "kore_roles" "admin" {
  role_type = "admin"
}

# The roles that users hold in each bot.
data "kore_roles" "bot" {
  role_type = "bot"

  timeouts {
    read = "5m"
  }
}

output "admin_role_names" {
  description = "Every admin role name, sorted."
  value       = [for role in data.kore_roles.admin.roles : role.name]
}

output "admin_role_ids" {
  description = "Each admin role's ID by name: the role_id that kore_users shows for the users who hold it."
  value       = { for role in data.kore_roles.admin.roles : role.name => role.id }
}

output "admin_roles_granting_user_management" {
  description = "Admin roles whose User Management permission is YES (admin permissions read as lists of one)."
  value = [
    for role in data.kore_roles.admin.roles : role.name
    if contains(lookup(role.permissions, "User Management", []), "YES")
  ]
}

output "bot_roles_by_id" {
  description = "Each bot role's name and permissions, by role ID: two roles may share a name, never an ID."
  value = {
    for role in data.kore_roles.bot.roles : role.id => {
      name        = role.name
      permissions = role.permissions
    } if role.id != null
  }
}
