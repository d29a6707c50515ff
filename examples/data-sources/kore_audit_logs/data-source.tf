terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

# Every entry of the last 7 days, oldest first. The range ends when this run's first audit log read starts.
data "kore_audit_logs" "week" {
  from = timeadd(plantimestamp(), "-168h")
}

# Only role and group changes over the same range: this block shares the read above.
data "kore_audit_logs" "access_changes" {
  from       = timeadd(plantimestamp(), "-168h")
  categories = ["Role Management", "Group Management"]
}

output "changes" {
  description = "One line per role or group change of the last 7 days."
  value       = [for e in data.kore_audit_logs.access_changes.entries : "${e.time} ${e.name}: ${e.description}"]
}

output "entries_in_range" {
  description = "How many entries the week holds, every category included."
  value       = data.kore_audit_logs.week.total
}
