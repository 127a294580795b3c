"""Funding calls: open calls that fit a member, finding a topic, staff adding a call."""
from kim_network.web.calls.routes import bp  # noqa: F401
