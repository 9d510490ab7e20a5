"""authorize: GitHub's legacy OAuth Authorizations API.

Shared by the Lambda function (through the layer), the local server and the admin CLI:
``domain`` (rules, no I/O), ``usecases`` (what the API does, over ``ports``), ``adapters`` (DynamoDB,
Secrets Manager) and ``github`` (request parsing and GitHub-shaped answers). API Gateway's event format
is the handler's business, not this package's.
"""
