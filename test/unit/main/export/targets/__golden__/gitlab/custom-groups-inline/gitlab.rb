# Okta sign-in for GitLab (Linux package), written by SSO Setup Console.
# Okta app 0oa1fixture2app3; sign-in redirect URI https://gitlab.example.com/users/auth/openid_connect/callback.
# Merge into /etc/gitlab/gitlab.rb, then run: sudo gitlab-ctl reconfigure

# Create a GitLab account at a user's first Okta sign-in; GitLab blocks it until an admin approves.
gitlab_rails['omniauth_allow_single_sign_on'] = ["openid_connect"]
gitlab_rails['omniauth_block_auto_created_users'] = true

gitlab_rails['omniauth_providers'] = [
  {
    name: "openid_connect",
    label: "Okta",
    args: {
      name: "openid_connect",
      scope: ["openid", "profile", "email", "groups"],
      response_type: "code",
      issuer: "https://acme.okta.com/oauth2/aus1fixture2default3",
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
