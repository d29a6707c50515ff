terraform {
  required_providers {
    kore = {
      source  = "kore-community/kore"
      version = "~> 0.1"
    }
  }
}

variable "kore_client_id" {
  description = "Client ID of the Kore.ai Admin Console app (Security & Control > API Scopes > Manage Apps)."
  type        = string
}

# Ephemeral (Terraform 1.10+, OpenTofu 1.11+): the secret reaches neither a saved plan nor the state. Give it again
# when applying a saved plan (TF_VAR_kore_client_secret). With an older version, leave client_secret out of the
# provider block and set KORE_CLIENT_SECRET instead: a variable that is not ephemeral is written into saved plans.
variable "kore_client_secret" {
  description = "Client Secret of the same app."
  type        = string
  sensitive   = true
  ephemeral   = true
}

# The provider signs a fresh, short-lived JWT for every request with the app's credentials.
provider "kore" {
  host          = "platform.kore.ai" # or de-platform.kore.ai, jp-platform.kore.ai, https://kore.example.com:8443
  client_id     = var.kore_client_id
  client_secret = var.kore_client_secret
}

# Alternatively, pass a ready-made JWT (it must stay valid for the whole run):
#
# variable "kore_jwt" {
#   type      = string
#   sensitive = true
# }
#
# provider "kore" {
#   host = "platform.kore.ai"
#   jwt  = var.kore_jwt
# }
#
# Every attribute can also come from the environment: KORE_HOST, KORE_CLIENT_ID, KORE_CLIENT_SECRET, KORE_JWT, ...
