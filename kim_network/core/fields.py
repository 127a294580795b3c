"""Field rules: what an e-mail address, a web address, a phone number or a NUTS code looks like.

Written once, here, and attached to the model's properties (`kim_network.core.model.Prop.rule`),
so that the store, the API, the edit forms, member files and the CORDIS importer all refuse
the same values with the same reason. A rule checks one text value and returns it
normalised (NUTS and country codes in upper case), or raises `FieldError` with a reason in
English; forms show a translated message per rule name (`kim_network.web.field_rules`).

>>> check("email", "anna@isar-medien.example")
'anna@isar-medien.example'
>>> check("region", " de21 ")
'DE21'
>>> check("website", "javascript:alert(1)")
Traceback (most recent call last):
...
kim_network.core.fields.FieldError: must be a web address starting with http:// or https://
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# Direction overrides, isolates, marks and zero-width characters: invisible, they make a
# name or an address read differently from what it is (e.g. "evil\u202eed.elpmaxe@x.de").
INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

# The WHATWG "valid e-mail address" (what <input type=email> accepts), with at least one dot
# in the domain and Unicode letters allowed in domain labels (münchen.de). No spaces,
# commas, quotes or angle brackets: one value is always exactly one mailbox.
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@" + _LABEL + r"(?:\." + _LABEL + r")+$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()/.\-]*$|^\([0-9][0-9 ()/.\-]*$")
NUTS2_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{2}$")
NUTS3_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}$")
NUTS_PREFIX_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_HOST_RE = re.compile(r"^" + _LABEL + r"(?:\." + _LABEL + r")+\.?$")  # a final dot is a valid FQDN
MAX_EMAIL = 254


class FieldError(ValueError):
    """A value does not follow its field rule; the message says why (after the field name)."""


def _email(value: str) -> str:
    if len(value) > MAX_EMAIL or not EMAIL_RE.match(value):
        raise FieldError("is not an e-mail address")
    return value


def _url(value: str) -> str:
    if any(c.isspace() for c in value) or "\\" in value or INVISIBLE_RE.search(value):
        raise FieldError("must be a web address without spaces")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise FieldError("is not a web address") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FieldError("must be a web address starting with http:// or https://")
    if "@" in parts.netloc:
        raise FieldError("must not contain a user name or password")
    if not _HOST_RE.match(parts.hostname or "") or port == 0:
        raise FieldError("does not name a valid host")
    return value


def _phone(value: str) -> str:
    digits = sum(c.isdigit() for c in value)
    if not PHONE_RE.match(value) or not 3 <= digits <= 20 or len(value) > 50:
        raise FieldError("is not a phone number (digits, spaces and + ( ) / . - only)")
    return value


def _pattern(regex: re.Pattern, example: str):
    def rule(value: str) -> str:
        value = value.upper()
        if not regex.match(value):
            raise FieldError(f"must be a code like {example}")
        return value

    return rule


def _plain(value: str) -> str:
    if INVISIBLE_RE.search(value):
        raise FieldError("contains invisible direction or zero-width characters")
    return value


RULES = {
    "email": _email,
    "website": _url,
    "phone": _phone,
    "region": _pattern(NUTS2_RE, "DE21 (a NUTS-2 region)"),
    "nuts3": _pattern(NUTS3_RE, "DE212 (a NUTS-3 region)"),
    "nuts": _pattern(NUTS_PREFIX_RE, "DE2 or DE21 (a NUTS code)"),
    "country": _pattern(COUNTRY_RE, "DE (two letters)"),
    "plain": _plain,
}


def check(rule: str, value: str) -> str:
    """The value normalised by `rule`, or FieldError. Surrounding spaces are dropped first."""
    value = value.strip()
    if rule != "plain" and INVISIBLE_RE.search(value):
        raise FieldError("contains invisible direction or zero-width characters")
    return RULES[rule](value)
