# SSO Setup Console: setup "fixture-spa" (app "Single-page app") as Terraform.
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

# The authorization server this setup created: issuer https://acme.okta.com/oauth2/aus1fixture2default3.
import {
  to = okta_auth_server.spa_api
  id = "aus1fixture2default3"
}

resource "okta_auth_server" "spa_api" {
  name        = "SPA API"
  description = "For the SPA"
  audiences   = ["api://spa"]
  issuer_mode = "ORG_URL"
  status      = "ACTIVE"
}

# Already in the org if the console created it: import it before the first apply, with
# SCOPE_ID from GET /api/v1/authorizationServers/aus1fixture2default3/scopes:
#   terraform import okta_auth_server_scope.groups "aus1fixture2default3/$SCOPE_ID"
resource "okta_auth_server_scope" "groups" {
  auth_server_id   = okta_auth_server.spa_api.id
  name             = "groups"
  description      = "Requested by Single-page app"
  consent          = "IMPLICIT"
  metadata_publish = "NO_CLIENTS"
}

# Already in the org if the console created it: import it before the first apply, with
# CLAIM_ID from GET /api/v1/authorizationServers/aus1fixture2default3/claims:
#   terraform import okta_auth_server_claim.groups "aus1fixture2default3/$CLAIM_ID"
resource "okta_auth_server_claim" "groups" {
  auth_server_id          = okta_auth_server.spa_api.id
  name                    = "groups"
  status                  = "ACTIVE"
  claim_type              = "IDENTITY"
  value_type              = "GROUPS"
  group_filter_type       = "REGEX"
  value                   = ".*"
  always_include_in_token = true
}

# The app integration (client id 0oa1fixture2client3).
import {
  to = okta_app_oauth.single_page_app
  id = "0oa1fixture2app3"
}

resource "okta_app_oauth" "single_page_app" {
  label                      = "Single-page app"
  type                       = "browser"
  grant_types                = ["authorization_code"]
  response_types             = ["code"]
  redirect_uris              = ["http://localhost:5173/login/callback"]
  post_logout_redirect_uris  = ["http://localhost:5173"]
  token_endpoint_auth_method = "none"
  pkce_required              = true
  consent_method             = "TRUSTED"
  implicit_assignment        = false
  issuer_mode                = "ORG_URL"
  hide_ios                   = false
  hide_web                   = false
  profile                    = jsonencode({ "x-sso-console" = { setupId = "fixture-spa" } })
  # Keeps the client secret out of Terraform state (terraform-provider-okta#109); the app keeps
  # the secret it has.
  omit_secret = true
}

# Every group assigned to the app now. This resource removes any group it does not list, so
# assign groups here from now on, not in the Admin Console.
import {
  to = okta_app_group_assignments.single_page_app
  id = "0oa1fixture2app3"
}

resource "okta_app_group_assignments" "single_page_app" {
  app_id = okta_app_oauth.single_page_app.id
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
  to = okta_app_user.single_page_app_ada_example_com
  id = "0oa1fixture2app3/00u1fixture2ada3"
}

resource "okta_app_user" "single_page_app_ada_example_com" {
  app_id   = okta_app_oauth.single_page_app.id
  user_id  = "00u1fixture2ada3"
  username = "ada@example.com"
}

# The access policy that lets the app get tokens from this server (without one, /authorize
# fails with "Policy evaluation failed").
# Already in the org if the console created it: import it before the first apply, with
# POLICY_ID from GET /api/v1/authorizationServers/aus1fixture2default3/policies:
#   terraform import okta_auth_server_policy.single_page_app "aus1fixture2default3/$POLICY_ID"
resource "okta_auth_server_policy" "single_page_app" {
  auth_server_id   = okta_auth_server.spa_api.id
  name             = "Single-page app access"
  description      = "Lets Single-page app get tokens. [sso-console fixture-spa]"
  priority         = 1
  status           = "ACTIVE"
  client_whitelist = [okta_app_oauth.single_page_app.client_id]
}

# Already in the org if the console created it: import it before the first apply, with
# RULE_ID from GET /api/v1/authorizationServers/aus1fixture2default3/policies/$POLICY_ID/rules:
#   terraform import okta_auth_server_policy_rule.single_page_app "aus1fixture2default3/$POLICY_ID/$RULE_ID"
resource "okta_auth_server_policy_rule" "single_page_app" {
  auth_server_id                 = okta_auth_server.spa_api.id
  policy_id                      = okta_auth_server_policy.single_page_app.id
  name                           = "Single-page app sign-in"
  priority                       = 1
  status                         = "ACTIVE"
  type                           = "RESOURCE_ACCESS"
  group_whitelist                = ["EVERYONE"]
  grant_type_whitelist           = ["authorization_code"]
  scope_whitelist                = ["openid", "profile", "email", okta_auth_server_scope.groups.name]
  access_token_lifetime_minutes  = 60
  refresh_token_lifetime_minutes = 0
  refresh_token_window_minutes   = 10080
}

# Already in the org if the console created it: import it before the first apply, with
# TRUSTED_ORIGIN_ID from GET /api/v1/trustedOrigins:
#   terraform import okta_trusted_origin.http_localhost_5173 "$TRUSTED_ORIGIN_ID"
resource "okta_trusted_origin" "http_localhost_5173" {
  name   = "Single-page app (http://localhost:5173)"
  origin = "http://localhost:5173"
  scopes {
    type = "CORS"
  }
  scopes {
    type = "REDIRECT"
  }
}

output "client_id" {
  value = okta_app_oauth.single_page_app.client_id
}

output "issuer" {
  # Exactly as the discovery document states it.
  value = "https://acme.okta.com/oauth2/aus1fixture2default3"
}
