# SSO Setup Console: setup "fixture-kaimu" (app "Kaimu") as Terraform.
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

locals {
  # The existing authorization server this setup uses, referenced but not managed here:
  # issuer https://acme.okta.com/oauth2/aus1fixture2default3.
  auth_server_id = "aus1fixture2default3"
}

# The app integration (client id 0oa1fixture2client3).
import {
  to = okta_app_oauth.kaimu
  id = "0oa1fixture2app3"
}

resource "okta_app_oauth" "kaimu" {
  label                      = "Kaimu"
  type                       = "web"
  grant_types                = ["authorization_code"]
  response_types             = ["code"]
  redirect_uris              = ["http://localhost:3000/auth/oidc/okta/callback"]
  token_endpoint_auth_method = "client_secret_basic"
  pkce_required              = false
  consent_method             = "TRUSTED"
  implicit_assignment        = false
  issuer_mode                = "ORG_URL"
  hide_ios                   = false
  hide_web                   = false
  profile                    = jsonencode({ "x-sso-console" = { setupId = "fixture-kaimu" } })
  # Keeps the client secret out of Terraform state (terraform-provider-okta#109); the app keeps
  # the secret it has.
  omit_secret = true
}

# Every group assigned to the app now. This resource removes any group it does not list, so
# assign groups here from now on, not in the Admin Console.
import {
  to = okta_app_group_assignments.kaimu
  id = "0oa1fixture2app3"
}

resource "okta_app_group_assignments" "kaimu" {
  app_id = okta_app_oauth.kaimu.id
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
  to = okta_app_user.kaimu_ada_example_com
  id = "0oa1fixture2app3/00u1fixture2ada3"
}

resource "okta_app_user" "kaimu_ada_example_com" {
  app_id   = okta_app_oauth.kaimu.id
  user_id  = "00u1fixture2ada3"
  username = "ada@example.com"
}

# The access policy that lets the app get tokens from this server (without one, /authorize
# fails with "Policy evaluation failed").
# Already in the org if the console created it: import it before the first apply, with
# POLICY_ID from GET /api/v1/authorizationServers/aus1fixture2default3/policies:
#   terraform import okta_auth_server_policy.kaimu "aus1fixture2default3/$POLICY_ID"
resource "okta_auth_server_policy" "kaimu" {
  auth_server_id   = local.auth_server_id
  name             = "Kaimu access"
  description      = "Lets Kaimu get tokens. [sso-console fixture-kaimu]"
  priority         = 1
  status           = "ACTIVE"
  client_whitelist = [okta_app_oauth.kaimu.client_id]
}

# Already in the org if the console created it: import it before the first apply, with
# RULE_ID from GET /api/v1/authorizationServers/aus1fixture2default3/policies/$POLICY_ID/rules:
#   terraform import okta_auth_server_policy_rule.kaimu "aus1fixture2default3/$POLICY_ID/$RULE_ID"
resource "okta_auth_server_policy_rule" "kaimu" {
  auth_server_id                 = local.auth_server_id
  policy_id                      = okta_auth_server_policy.kaimu.id
  name                           = "Kaimu sign-in"
  priority                       = 1
  status                         = "ACTIVE"
  type                           = "RESOURCE_ACCESS"
  group_whitelist                = ["EVERYONE"]
  grant_type_whitelist           = ["authorization_code"]
  scope_whitelist                = ["openid", "email", "profile"]
  access_token_lifetime_minutes  = 60
  refresh_token_lifetime_minutes = 0
  refresh_token_window_minutes   = 10080
}

output "client_id" {
  value = okta_app_oauth.kaimu.client_id
}

output "issuer" {
  # Exactly as the discovery document states it.
  value = "https://acme.okta.com/oauth2/aus1fixture2default3"
}
