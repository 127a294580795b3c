"""Privacy: my data page, export of my data, account deletion, consent texts and the staff audit log.

`bp` is registered in the app factory. The rights themselves live in `service` (plain
functions); `routes` are thin views over them and `commands` adds the retention command.
"""
from flask import Blueprint

bp = Blueprint("privacy", __name__)

from kim_network.web.privacy import routes  # noqa: E402,F401  (registers the views on bp)
