"""GitHub's documentation URLs, as its error bodies carry them (``documentation_url``)."""

DOCS_V3 = "https://developer.github.com/v3"
DOCS_AUTHORIZATIONS = "https://developer.github.com/v3/oauth_authorizations/"
DOCS_2FA = "https://developer.github.com/v3/auth#working-with-two-factor-authentication"
DOCS_GET_OR_CREATE = DOCS_AUTHORIZATIONS + "#get-or-create-an-authorization-for-a-specific-app"
DOCS_GET_OR_CREATE_FINGERPRINT = (
    DOCS_AUTHORIZATIONS + "#get-or-create-an-authorization-for-a-specific-app-and-fingerprint"
)
DOCS_CREATE = DOCS_AUTHORIZATIONS + "#create-a-new-authorization"
DOCS_UPDATE = DOCS_AUTHORIZATIONS + "#update-an-existing-authorization"
DOCS_CHECK = DOCS_AUTHORIZATIONS + "#check-an-authorization"
DOCS_RESET = DOCS_AUTHORIZATIONS + "#reset-an-authorization"
DOCS_REVOKE = DOCS_AUTHORIZATIONS + "#revoke-an-authorization-for-an-application"
DOCS_REVOKE_GRANT = DOCS_AUTHORIZATIONS + "#revoke-a-grant-for-an-application"
DOCS_REVOKE_CREDENTIALS = "https://docs.github.com/rest/credentials/revoke#revoke-a-list-of-credentials"
# GitHub Enterprise Server's site-administrator API ("Enterprise administration → Users"), at the
# addresses the developer site gave it.
DOCS_USER_ADMINISTRATION = "https://developer.github.com/v3/users/administration/"
DOCS_CREATE_USER = DOCS_USER_ADMINISTRATION + "#create-a-new-user"
DOCS_RENAME_USER = DOCS_USER_ADMINISTRATION + "#rename-an-existing-user"
DOCS_DELETE_USER = DOCS_USER_ADMINISTRATION + "#delete-a-user"
DOCS_CREATE_IMPERSONATION_TOKEN = DOCS_USER_ADMINISTRATION + "#create-an-impersonation-oauth-token"
DOCS_DELETE_IMPERSONATION_TOKEN = DOCS_USER_ADMINISTRATION + "#delete-an-impersonation-oauth-token"
DOCS_PROMOTE = DOCS_USER_ADMINISTRATION + "#promote-an-ordinary-user-to-a-site-administrator"
DOCS_DEMOTE = DOCS_USER_ADMINISTRATION + "#demote-a-site-administrator-to-an-ordinary-user"
DOCS_SUSPEND = DOCS_USER_ADMINISTRATION + "#suspend-a-user"
DOCS_UNSUSPEND = DOCS_USER_ADMINISTRATION + "#unsuspend-a-user"
