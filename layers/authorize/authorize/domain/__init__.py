"""The rules of GitHub's OAuth Authorizations API: records, tokens, scopes, lockout, expiry, 2FA.

No I/O and no HTTP: nothing here knows about DynamoDB, API Gateway, status codes or documentation URLs.
"""
