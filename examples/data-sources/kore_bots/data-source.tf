terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

# Every bot of the account with its JWT apps. The apps' client secrets are never read.
data "kore_bots" "all" {}

# Bots whose name matches an RE2 regular expression; this block shares the read above.
data "kore_bots" "desks" {
  name_regex = "Desk$"
}

output "bot_names" {
  description = "Every bot name, sorted."
  value       = [for bot in data.kore_bots.all.bots : bot.name]
}

output "published_bot_ids" {
  description = "The ID of each published bot, by name."
  value       = { for bot in data.kore_bots.all.bots : bot.name => bot.id if bot.status == "published" }
}

output "jwt_app_client_ids" {
  description = "The client IDs of each bot's JWT apps (bots from older answers have none)."
  value       = { for bot in data.kore_bots.all.bots : bot.name => [for app in coalesce(bot.jwt_apps, []) : app.client_id] }
}

output "apps_without_jti" {
  description = "Client IDs of the apps that do not enforce a unique jti claim: tokens for them can be replayed."
  value = flatten([
    for bot in data.kore_bots.all.bots : [
      for app in coalesce(bot.jwt_apps, []) : app.client_id if app.jti_claim_enforced != true
    ]
  ])
}

output "desk_bots" {
  value = [for bot in data.kore_bots.desks.bots : bot.name]
}
