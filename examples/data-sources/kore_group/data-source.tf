terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

# One group, looked up by its name.
data "kore_group" "audit" {
  name = "Audit"
}

# One group, looked up by its id (the API's _id), without its member list.
data "kore_group" "risk_management" {
  id            = "e-8c91bfc5-8ecd-5707-9c35-7539297xxxxx"
  include_users = false
}

output "audit_group_id" {
  value = data.kore_group.audit.id
}

output "audit_member_emails" {
  value = [for user in data.kore_group.audit.users : user.email]
}

output "risk_management_user_count" {
  value = data.kore_group.risk_management.user_count
}
