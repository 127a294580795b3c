"""The web layer: the shell (`shell`: i18n, CSRF, login, headers, error pages, template helpers)
and one package per feature, each with its blueprint in `routes.py` and its forms in `forms.py`."""
