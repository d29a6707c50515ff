# Tests of the module with no Kore.ai account: mock_provider answers kore_groups with the groups below, and the
# provider's functions (effective_members) run on them as they would on real data. Needs Terraform 1.8 or later and
# the kore provider installed (terraform init), which supplies the schema and the functions.

mock_provider "kore" {
  mock_data "kore_groups" {
    defaults = {
      # Engineering holds Platform and Web; Platform holds SRE; SRE holds Engineering again (a cycle).
      groups = [
        {
          id              = "g-eng"
          name            = "Engineering"
          description     = null
          user_count      = null
          child_group_ids = ["g-platform", "g-web"]
          users           = [{ id = "u-alice", email = "alice@example.com", first_name = null, last_name = null, job_title = null, activation_status = "active", org_id = null, profile_image = null, profile_color = null }]
        },
        {
          id              = "g-platform"
          name            = "Platform"
          description     = null
          user_count      = null
          child_group_ids = ["g-sre"]
          users           = [{ id = "u-bob", email = "bob@example.com", first_name = null, last_name = null, job_title = null, activation_status = "active", org_id = null, profile_image = null, profile_color = null }]
        },
        {
          id              = "g-sre"
          name            = "SRE"
          description     = null
          user_count      = null
          child_group_ids = ["g-eng"]
          users = [
            { id = "u-carol", email = "carol@example.com", first_name = null, last_name = null, job_title = null, activation_status = "active", org_id = null, profile_image = null, profile_color = null },
            { id = "u-alice", email = "alice@example.com", first_name = null, last_name = null, job_title = null, activation_status = "active", org_id = null, profile_image = null, profile_color = null },
          ]
        },
        {
          id              = "g-web"
          name            = "Web"
          description     = null
          user_count      = null
          child_group_ids = []
          users = [
            { id = "u-dave", email = "dave@example.com", first_name = null, last_name = null, job_title = null, activation_status = "active", org_id = null, profile_image = null, profile_color = null },
            { id = "u-carol", email = "carol@example.com", first_name = null, last_name = null, job_title = null, activation_status = "active", org_id = null, profile_image = null, profile_color = null },
          ]
        },
        {
          id              = "g-audit"
          name            = "Auditors"
          description     = null
          user_count      = null
          child_group_ids = []
          users = [
            { id = "u-erin", email = "erin@example.com", first_name = null, last_name = null, job_title = null, activation_status = "active", org_id = null, profile_image = null, profile_color = null },
            { id = "u-frank", email = null, first_name = null, last_name = null, job_title = null, activation_status = "active", org_id = null, profile_image = null, profile_color = null },
          ]
        },
      ]
    }
  }
}

variables {
  roles_by_group = {
    Engineering = "developer"
    SRE         = "operator"
    Auditors    = "auditor"
  }
}

run "nested_members_get_the_role_of_the_outer_group" {
  command = plan

  assert {
    # Terraform's == tells a list from a tuple, so whole values are compared through jsonencode.
    condition = jsonencode(output.roles_by_email) == jsonencode({
      "alice@example.com" = ["developer", "operator"]
      "bob@example.com"   = ["developer", "operator"]
      "carol@example.com" = ["developer", "operator"]
      "dave@example.com"  = ["developer", "operator"]
      "erin@example.com"  = ["auditor"]
    })
    error_message = "roles_by_email is ${jsonencode(output.roles_by_email)}"
  }

  assert {
    condition     = output.members_without_email == tolist(["u-frank"])
    error_message = "members_without_email is ${jsonencode(output.members_without_email)}"
  }
}

run "each_assignment_says_through_which_groups_it_is_granted" {
  command = plan

  # Carol is in Web (one level below Engineering) and in SRE (two levels): the shorter path is kept.
  assert {
    condition     = terraform_data.role_assignment["developer carol@example.com"].input.granted_by == tolist(["Engineering > Web"])
    error_message = "granted_by is ${jsonencode(terraform_data.role_assignment["developer carol@example.com"].input.granted_by)}"
  }

  # The cycle SRE > Engineering > Platform > SRE ends the walk instead of looping.
  assert {
    condition     = terraform_data.role_assignment["operator bob@example.com"].input.granted_by == tolist(["SRE > Engineering > Platform"])
    error_message = "granted_by is ${jsonencode(terraform_data.role_assignment["operator bob@example.com"].input.granted_by)}"
  }

  assert {
    condition     = terraform_data.role_assignment["operator alice@example.com"].input.granted_by == tolist(["SRE"])
    error_message = "granted_by is ${jsonencode(terraform_data.role_assignment["operator alice@example.com"].input.granted_by)}"
  }

  assert {
    condition     = length(terraform_data.role_assignment) == 9
    error_message = "${length(terraform_data.role_assignment)} assignments: ${jsonencode(keys(terraform_data.role_assignment))}"
  }
}

run "a_group_that_does_not_exist_is_refused" {
  command = plan

  variables {
    roles_by_group = {
      Engineering = "developer"
      Finance     = "billing"
    }
  }

  expect_failures = [output.roles_by_email]
}
