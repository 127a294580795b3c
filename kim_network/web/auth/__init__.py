"""Accounts: login, registration, password reset, staff approval, and access decorators.

`bp` is registered in the app factory. Account logic lives in `service`, request-level
access (decorators, `current_viewer()`) in `access`.
"""
from kim_network.web.auth.routes import bp  # noqa: F401  (the blueprint, with its views)
