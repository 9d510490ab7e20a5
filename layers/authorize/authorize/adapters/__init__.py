"""Implementations of the ports: DynamoDB for the store, Secrets Manager for the TOTP key."""
