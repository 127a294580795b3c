"""Privacy: my data page, export of my data, account deletion, consent texts and the staff audit log.

`bp` is registered in the app factory. The rights themselves live in `service` (plain
functions); `routes` are thin views over them and `commands` adds the retention command.
"""
from kim_network.web.privacy.routes import bp  # noqa: F401  (the blueprint, with its views)
