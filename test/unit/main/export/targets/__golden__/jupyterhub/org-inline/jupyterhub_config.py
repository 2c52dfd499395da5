# Okta sign-in for JupyterHub (oauthenticator's GenericOAuthenticator), written by SSO Setup Console.
# Okta app 0oa1fixture2app3; sign-in redirect URI https://hub.example.com/hub/oauth_callback.
# Add these lines to jupyterhub_config.py; they need oauthenticator 17.1 or later.
import os

c.JupyterHub.authenticator_class = "generic-oauth"
c.GenericOAuthenticator.login_service = "Okta"
c.GenericOAuthenticator.client_id = "0oa1fixture2client3"
c.GenericOAuthenticator.client_secret = "fixture-secret-7Hq2vN9xLw4pR8sT1uY6zA3bC5dE0fG"
c.GenericOAuthenticator.oauth_callback_url = "https://hub.example.com/hub/oauth_callback"
c.GenericOAuthenticator.authorize_url = "https://acme.okta.com/oauth2/v1/authorize"
c.GenericOAuthenticator.token_url = "https://acme.okta.com/oauth2/v1/token"
# The claims come from the ID token, where the org authorization server puts groups.
c.GenericOAuthenticator.userdata_from_id_token = True
c.GenericOAuthenticator.scope = ["openid", "profile", "email"]
# Okta sends no "username" claim; preferred_username is the Okta login.
c.GenericOAuthenticator.username_claim = "preferred_username"
c.GenericOAuthenticator.basic_auth = True
c.GenericOAuthenticator.enable_pkce = True
# Whoever Okta lets sign in to the app may use the hub: the app’s assignments are the gate.
c.GenericOAuthenticator.allow_all = True
