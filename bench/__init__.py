"""Benchmarks that print figures; run them as modules from the project root (`make bench`)."""
