"""authorize: GitHub's legacy OAuth Authorizations API, domain and data access.

Shared by the Lambda function (through the layer), the local server and the admin CLI.
Nothing in this package reads the request format of API Gateway; that is the handler's job.
"""
