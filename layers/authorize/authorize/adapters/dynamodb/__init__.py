"""The store port on one DynamoDB table (single-table design): ``keys`` says what the table holds."""

from .store import DynamoDBStore

__all__ = ["DynamoDBStore"]
