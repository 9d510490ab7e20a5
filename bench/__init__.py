"""Benchmarks of the authorize function and its local stack: ``make bench`` (see docs/performance.md)."""
