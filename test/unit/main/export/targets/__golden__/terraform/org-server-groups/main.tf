# SSO Setup Console: setup "fixture-kestra" (app "Kestra") as Terraform.
# The console already set these objects up in the org: the import blocks adopt them, and the
# comments say how to import the rest, instead of creating copies. The API token comes from
# OKTA_API_TOKEN; no client secret is written here.

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    okta = {
      source  = "okta/okta"
      version = "~> 7.0"
    }
  }
}

provider "okta" {
  org_name = "acme"
  base_url = "okta.com"
  # api_token comes from the OKTA_API_TOKEN environment variable.
}

# The app integration (client id 0oa1fixture2client3).
import {
  to = okta_app_oauth.kestra
  id = "0oa1fixture2app3"
}

resource "okta_app_oauth" "kestra" {
  label                      = "Kestra"
  type                       = "web"
  grant_types                = ["authorization_code"]
  response_types             = ["code"]
  redirect_uris              = ["http://localhost:8080/oauth/callback/okta"]
  post_logout_redirect_uris  = ["http://localhost:8080/logout"]
  token_endpoint_auth_method = "client_secret_basic"
  pkce_required              = false
  consent_method             = "TRUSTED"
  implicit_assignment        = false
  issuer_mode                = "ORG_URL"
  hide_ios                   = false
  hide_web                   = false
  profile                    = jsonencode({ "x-sso-console" = { setupId = "fixture-kestra" } })
  # Keeps the client secret out of Terraform state (terraform-provider-okta#109); the app keeps
  # the secret it has.
  omit_secret = true

  # The org authorization server's groups claim (the Sign On tab). The provider sets it only
  # when it authenticates with an API token, not with OAuth 2.0 credentials.
  groups_claim {
    type        = "FILTER"
    filter_type = "STARTS_WITH"
    name        = "groups"
    value       = "Kestra"
  }
}

# Every group assigned to the app now. This resource removes any group it does not list, so
# assign groups here from now on, not in the Admin Console.
import {
  to = okta_app_group_assignments.kestra
  id = "0oa1fixture2app3"
}

resource "okta_app_group_assignments" "kestra" {
  app_id = okta_app_oauth.kestra.id
  group {
    # Engineering
    id = "00g1fixture2eng3"
  }
  group {
    # Kestra Admins
    id = "00g1fixture2adm3"
  }
}

import {
  to = okta_app_user.kestra_ada_example_com
  id = "0oa1fixture2app3/00u1fixture2ada3"
}

resource "okta_app_user" "kestra_ada_example_com" {
  app_id   = okta_app_oauth.kestra.id
  user_id  = "00u1fixture2ada3"
  username = "ada@example.com"
}

output "client_id" {
  value = okta_app_oauth.kestra.client_id
}

output "issuer" {
  # Exactly as the discovery document states it.
  value = "https://acme.okta.com"
}
