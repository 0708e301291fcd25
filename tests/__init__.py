"""Témoin's test suite."""
