"""One declared registry of API endpoints: it routes, validates input and writes the OpenAPI document.

Each endpoint is declared once with `Registry.endpoint(...)`: method, path, parameters,
request body schema, response schema and who may call it. From that one declaration the
registry adds the Flask route, checks query parameters and JSON bodies before the view
runs (answering 400/415/422 with the offending fields), enforces authentication, and
builds the OpenAPI 3.1 document, so the document cannot drift from what the API does.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from flask import Blueprint, Response, jsonify, request


class ApiError(Exception):
    """An error answer: `{"error": {"status", "message", "fields"?}}` with that HTTP status."""

    def __init__(self, status: int, message: str, fields: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = dict(fields or {})

    def response(self) -> tuple[Response, int]:
        body: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return jsonify({"error": body}), self.status


# -- a small JSON-schema subset: what our parameters and bodies need ---------------------


def check(schema: Mapping[str, Any], value: Any, name: str, errors: dict[str, str]) -> Any:
    """Validate `value` against a JSON-schema subset; record problems in `errors` by field name.

    Supports type (string, integer, number, boolean, array, object), enum, minLength,
    maxLength, minimum, maximum, pattern, maxItems, items, properties, required and
    additionalProperties: false. Returns the value (numbers from strings are converted by
    `coerce_param`, not here).

    >>> errors = {}
    >>> check({"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}},
    ...        "required": ["n"], "additionalProperties": False}, {"n": 0, "x": 1}, "body", errors)
    {'n': 0, 'x': 1}
    >>> sorted(errors.items())
    [('n', 'must be at least 1'), ('x', 'is not a known field')]
    """
    kind = schema.get("type")
    types = kind if isinstance(kind, list) else [kind] if kind else []
    if value is None and "null" in types:
        return value
    if "oneOf" in schema:
        for option in schema["oneOf"]:
            trial: dict[str, str] = {}
            check(option, value, name, trial)
            if not trial:
                return value
        errors[name] = "has the wrong form"
        return value
    ok = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }
    if types and not any(ok[t](value) for t in types if t in ok):
        errors[name] = f"must be {' or '.join(_article(t) for t in types)}"
        return value
    if "enum" in schema and value not in schema["enum"]:
        errors[name] = "must be one of: " + ", ".join(str(v) for v in schema["enum"])
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors[name] = "is required" if not value.strip() else f"must have at least {schema['minLength']} characters"
        elif "maxLength" in schema and len(value) > schema["maxLength"]:
            errors[name] = f"must have at most {schema['maxLength']} characters"
        elif "pattern" in schema and not re.fullmatch(schema["pattern"], value):
            errors[name] = "has the wrong form"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors[name] = f"must be at least {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            errors[name] = f"must be at most {schema['maximum']}"
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors[name] = f"must have at most {schema['maxItems']} entries"
        for i, item in enumerate(value):
            check(schema.get("items", {}), item, f"{name}[{i}]", errors)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in value or value[key] is None:
                errors[key] = "is required"
        for key, item in value.items():
            if key in props:
                check(props[key], item, key, errors)
            elif schema.get("additionalProperties") is False:
                errors[key] = "is not a known field"
    return value


def _article(kind: str) -> str:
    return {"integer": "a whole number", "array": "a list", "object": "an object",
            "boolean": "true or false", "string": "text", "number": "a number", "null": "null"}.get(kind, kind)


@dataclass(frozen=True)
class Param:
    """A query or path parameter."""

    name: str
    schema: Mapping[str, Any]
    description: str = ""
    required: bool = False
    location: str = "query"
    repeated: bool = False  # ?kind=a&kind=b


def coerce_param(param: Param, raw: str, errors: dict[str, str]) -> Any:
    """Turn one query-string value into the declared type, or record why not."""
    kind = param.schema.get("type")
    value: Any = raw
    if kind == "integer":
        try:
            value = int(raw)
        except ValueError:
            errors[param.name] = "must be a whole number"
            return None
    elif kind == "boolean":
        lowered = raw.lower()
        if lowered not in ("true", "false", "1", "0"):
            errors[param.name] = "must be true or false"
            return None
        value = lowered in ("true", "1")
    check(param.schema, value, param.name, errors)
    return value


@dataclass
class Endpoint:
    method: str
    path: str  # OpenAPI form: /organizations/{id}
    view: Callable
    summary: str
    tag: str
    auth: str  # "none" (anyone), "member", "staff"
    params: tuple[Param, ...] = ()
    body: Mapping[str, Any] | None = None
    response: Mapping[str, Any] = field(default_factory=dict)
    status: int = 200
    errors: tuple[int, ...] = ()
    description: str = ""
    body_required: bool = True

    @property
    def flask_path(self) -> str:
        return re.sub(r"\{(\w+)\}", r"<\1>", self.path)

    @property
    def operation_id(self) -> str:
        return self.view.__name__


AUTH_ERRORS = {"none": (), "member": (401, 403), "staff": (401, 403)}
LOGIN_MESSAGE = "Log in or send an API token (Authorization: Bearer <token>)."
PENDING_MESSAGE = ("You are logged in, but your account is not approved yet: the KI.M team checks new "
                   "registrations before they may use this. Try again once it is approved.")


class Registry:
    """The API's endpoints. `viewer` returns who calls (set by the API package)."""

    def __init__(self, bp: Blueprint, prefix: str, viewer: Callable[[], Any],
                 translate: Callable[[Exception], ApiError | None] = lambda exc: None,
                 common_params: tuple[Param, ...] = ()):
        self.bp = bp
        self.prefix = prefix
        self.viewer = viewer
        self.translate = translate  # domain exception -> ApiError (None: not ours, re-raise)
        self.common_params = tuple(common_params)
        self.endpoints: list[Endpoint] = []

    def endpoint(self, method: str, path: str, *, summary: str, tag: str, auth: str = "none",
                 params: tuple[Param, ...] = (), body: Mapping[str, Any] | None = None,
                 response: Mapping[str, Any] | None = None, status: int = 200,
                 errors: tuple[int, ...] = (), description: str = "", body_required: bool = True):
        """Declare an endpoint; the view receives path parameters, `args`, `viewer` and (with a body) `body`."""

        def register(view: Callable) -> Callable:
            ep = Endpoint(method.upper(), path, view, summary, tag, auth, tuple(params) + self.common_params,
                          body, response or {"type": "object"}, status, tuple(errors),
                          description or (view.__doc__ or "").strip(), body_required)
            self.endpoints.append(ep)

            @functools.wraps(view)
            def handle(**path_args):
                try:
                    return self._call(ep, path_args)
                except ApiError as exc:
                    return exc.response()

            self.bp.add_url_rule(ep.flask_path, endpoint=view.__name__, view_func=handle, methods=[ep.method])
            return view

        return register

    def _call(self, ep: Endpoint, path_args: dict):
        viewer = self.viewer()
        if ep.auth in ("member", "staff") and not viewer.is_member:
            # Logged in but not approved yet: who it is is known, so 403 (401 would tell the
            # client to authenticate again, which cannot help).
            if viewer.is_pending:
                raise ApiError(403, PENDING_MESSAGE)
            raise ApiError(401, LOGIN_MESSAGE)
        if ep.auth == "staff" and not viewer.is_staff:
            raise ApiError(403, "Only KI.M staff may do this.")
        errors: dict[str, str] = {}
        for param in ep.params:
            if param.location == "path":
                check(param.schema, path_args.get(param.name), param.name, errors)
        args: dict[str, Any] = {}
        known = {p.name for p in ep.params if p.location == "query"}
        for name in request.args:
            if name not in known:
                errors[name] = "is not a known parameter"
        for param in ep.params:
            if param.location != "query":
                continue
            raws = request.args.getlist(param.name)
            if not raws or raws == [""]:
                if param.required:
                    errors[param.name] = "is required"
                args[param.name] = [] if param.repeated else param.schema.get("default")
                continue
            if not param.repeated and len(raws) > 1:
                errors[param.name] = "may be given once"
                continue
            values = [coerce_param(param, raw, errors) for raw in raws]
            args[param.name] = values if param.repeated else values[0]
        if errors:
            raise ApiError(400, "Some parameters are not valid.", errors)
        kwargs: dict[str, Any] = dict(path_args, args=args, viewer=viewer)
        if ep.body is not None and not ep.body_required and not request.get_data(cache=True):
            kwargs_body: dict | None = {}
        else:
            kwargs_body = None
        if ep.body is not None and kwargs_body is None:
            if not request.is_json:
                raise ApiError(415, "Send the request body as JSON (Content-Type: application/json).")
            try:
                data = request.get_json(silent=True)
                if not isinstance(data, dict):
                    raise ApiError(400, "The request body must be a JSON object.")
                check(ep.body, data, "body", errors)
            except RecursionError:  # hostile nesting, thousands of levels deep
                raise ApiError(400, "The JSON body is nested too deeply.") from None
            if errors:
                raise ApiError(422, "Some fields are not valid.", errors)
            kwargs_body = data
        if ep.body is not None:
            kwargs["body"] = kwargs_body
        try:
            result = ep.view(**kwargs)
        except ApiError:
            raise
        except Exception as exc:
            mapped = self.translate(exc)
            if mapped is None:
                raise
            raise mapped from exc
        if isinstance(result, Response):
            return result
        return jsonify(result), ep.status

    # -- OpenAPI ------------------------------------------------------------------------

    def openapi(self, info: Mapping[str, Any], components: Mapping[str, Any]) -> dict:
        """The OpenAPI 3.1 document of every declared endpoint."""
        paths: dict[str, dict] = {}
        for ep in self.endpoints:
            operation: dict[str, Any] = {
                "operationId": ep.operation_id,
                "summary": ep.summary,
                "tags": [ep.tag],
                "parameters": [self._param_doc(p) for p in ep.params],
                "responses": self._responses(ep),
            }
            if ep.description:
                operation["description"] = ep.description
            if ep.auth == "none":
                operation["security"] = [{}, {"bearerAuth": []}, {"cookieAuth": []}]
            if ep.body is not None:
                operation["requestBody"] = {
                    "required": ep.body_required,
                    "content": {"application/json": {"schema": ep.body}},
                }
            paths.setdefault(self.prefix + ep.path, {})[ep.method.lower()] = operation
        return {
            "openapi": "3.1.0",
            "info": dict(info),
            "servers": [{"url": "/"}],
            "security": [{"bearerAuth": []}, {"cookieAuth": []}],
            "paths": paths,
            "components": {
                **components,
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer",
                                   "description": "An API token created on the account page."},
                    "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session",
                                   "description": "The browser session; writes then need an X-CSRFToken header."},
                },
            },
        }

    @staticmethod
    def _param_doc(p: Param) -> dict:
        schema = dict(p.schema)
        if p.repeated:
            schema = {"type": "array", "items": schema}
        doc = {"name": p.name, "in": p.location, "required": p.required or p.location == "path",
               "schema": schema}
        if p.description:
            doc["description"] = p.description
        if p.repeated:
            doc.update(style="form", explode=True)
        return doc

    @staticmethod
    def _responses(ep: Endpoint) -> dict:
        error = {"$ref": "#/components/responses/Error"}
        out: dict[str, Any] = {str(ep.status): {
            "description": "OK" if ep.status == 200 else "Created",
            "content": {"application/json": {"schema": ep.response}},
        }}
        codes = set(ep.errors) | set(AUTH_ERRORS[ep.auth])
        if ep.params:
            codes.add(400)
        if ep.body is not None:
            codes |= {400, 415, 422}
            if ep.auth != "none":
                codes.add(403)  # CSRF for cookie sessions
        for code in sorted(codes):
            out[str(code)] = error
        return out
