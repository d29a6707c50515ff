terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

# A token for an Admin API that the data sources do not cover, here Export Roles, called from a provisioner. The
# token is signed locally from the provider's client_id and client_secret: no request, and it reaches neither the
# plan nor the state. Needs Terraform 1.10 or later, or OpenTofu 1.11 or later.
ephemeral "kore_token" "export" {
  lifetime = "5m" # from 1s to 1h; defaults to 15m
}

resource "terraform_data" "roles_export" {
  # Run again whenever the date changes; a token changes on every run and must not be a trigger.
  triggers_replace = [formatdate("YYYY-MM-DD", plantimestamp())]

  provisioner "local-exec" {
    # The token reaches the command through its environment, never through the command line.
    command = "curl -sSf -H \"auth: $KORE_TOKEN\" -o roles-export.json https://platform.kore.ai/api/public/roles/export?roleType=admin"
    environment = {
      KORE_TOKEN = ephemeral.kore_token.export.token
    }
  }
}
