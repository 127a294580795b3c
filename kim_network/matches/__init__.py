"""Recommendation pages and feedback on results."""
