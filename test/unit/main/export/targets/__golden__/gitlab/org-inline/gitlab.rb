# BEGIN SSO Setup Console: Okta sign-in. This block is the export's: exporting again with this file to merge into replaces everything down to the END line, and nothing else.
# Okta app 0oa1fixture2app3; sign-in redirect URI https://gitlab.example.com/users/auth/openid_connect/callback.
# Apply it with: sudo gitlab-ctl reconfigure
# A first Okta sign-in creates a GitLab account for someone who has none.
gitlab_rails['omniauth_allow_single_sign_on'] = ["openid_connect"]
# Those new accounts wait for an admin's approval (GitLab's default); false lets them in at once.
gitlab_rails['omniauth_block_auto_created_users'] = true
gitlab_rails['omniauth_providers'] = [
  {
    name: "openid_connect",
    label: "Okta",
    args: {
      name: "openid_connect",
      scope: ["openid", "profile", "email"],
      response_type: "code",
      issuer: "https://acme.okta.com",
      discovery: true,
      client_auth_method: "basic",
      uid_field: "sub",
      client_options: {
        identifier: "0oa1fixture2client3",
        secret: "fixture-secret-7Hq2vN9xLw4pR8sT1uY6zA3bC5dE0fG",
        redirect_uri: "https://gitlab.example.com/users/auth/openid_connect/callback"
      }
    }
  }
]
# END SSO Setup Console: Okta sign-in
