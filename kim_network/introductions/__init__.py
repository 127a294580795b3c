"""Introductions (double opt-in) and in-app notifications."""
