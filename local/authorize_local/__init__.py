"""Local tooling: the table-from-template loader, the embedded DynamoDB, the HTTP server behind
`make serve`, and the admin CLI. None of it ships in the Lambda package."""
