#!/bin/sh
# Okta sign-in for Gitea / Forgejo, written by SSO Setup Console.
# Okta app 0oa1fixture2app3; sign-in redirect URI https://git.example.com/user/oauth2/okta/callback.
# Run once on the Gitea server, as the user Gitea runs as (e.g. sudo -u git), with the
# client secret in GITEA_OKTA_CLIENT_SECRET. For Forgejo, replace "gitea" with "forgejo".
set -eu
gitea admin auth add-oauth \
  --name okta \
  --provider openidConnect \
  --key 0oa1fixture2client3 \
  --secret fixture-secret-7Hq2vN9xLw4pR8sT1uY6zA3bC5dE0fG \
  --auto-discover-url https://acme.okta.com/.well-known/openid-configuration \
  --scopes openid,profile,email
