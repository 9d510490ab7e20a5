"""Fuzzing the API over HTTP: random raw requests and schema-driven requests against the local server."""
