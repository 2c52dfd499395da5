#!/bin/sh
# Okta sign-in for HashiCorp Vault, written by SSO Setup Console.
# Okta app 0oa1fixture2app3; sign-in redirect URIs https://vault.example.com:8200/ui/vault/auth/oidc/oidc/callback, http://localhost:8250/oidc/callback.
# Run where the vault CLI reaches your Vault (VAULT_ADDR) with a token that may manage auth methods.
set -eu
cd "$(dirname "$0")"

# The JWT/OIDC auth method at oidc/, once: a second enable would fail with "path is already in use".
if ! vault auth list -format=json | grep -q '"oidc/"'; then
  vault auth enable -path=oidc oidc
fi
# Show the method on the UI’s sign-in page.
vault auth tune -listing-visibility=unauth oidc/

vault write auth/oidc/config @vault-oidc-config.json
vault write auth/oidc/role/okta @vault-oidc-role.json
