"""Incident ids: a server error shows a short id (page and API) and the server log line of the
same error carries it, so an operator finds the traceback a user reports (ASVS 7.4.1).

The same log filter names who was refused and from where: Django logs every 4xx and 5xx
response on ``django.request`` ("Not Found: /w/x/", "Unauthorized: /api/v1/…"), and the filter
adds the signed-in user (or ``-``) and the client's address, so refused access (an outsider's
404, a member's 403, a wrong bearer token's 401) is on record (ASVS 7.1.3)."""

from __future__ import annotations

import logging
import secrets

from truce.accounts.client import client_ip

ATTRIBUTE = "truce_incident"


def incident_for(request) -> str:
    """The request's incident id, made once: eight characters a person can read out."""
    incident = getattr(request, ATTRIBUTE, None)
    if incident is None:
        incident = secrets.token_hex(4).upper()
        setattr(request, ATTRIBUTE, incident)
    return incident


class IncidentFilter(logging.Filter):
    """Prefix a server-error log record with its request's incident id (Django logs an
    uncaught exception after handler500 has made the id; the API logs its own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is None or getattr(record, "_truce_incident", False):
            return True
        record._truce_incident = True
        incident = getattr(request, ATTRIBUTE, None)
        if incident:
            record.msg = f"[incident {incident}] {record.msg}"
        if getattr(record, "status_code", 0) >= 400:
            record.msg = f"{record.msg} user=%s ip=%s"
            record.args = (*_args(record), _username(request), client_ip(request) or "-")
        return True


def _args(record: logging.LogRecord) -> tuple:
    if isinstance(record.args, tuple):
        return record.args
    return () if record.args is None else (record.args,)


def _username(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user.get_username()  # a session's, or a bearer token's (truce/api/auth.py)
    return "-"
