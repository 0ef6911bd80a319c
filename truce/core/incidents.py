"""Incident ids: a server error shows a short id (page and API) and the server log line of the
same error carries it, so an operator finds the traceback a user reports (ASVS 7.4.1)."""

from __future__ import annotations

import logging
import secrets

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
        incident = getattr(getattr(record, "request", None), ATTRIBUTE, None)
        if incident and not getattr(record, "_truce_incident", False):
            record.msg = f"[incident {incident}] {record.msg}"
            record._truce_incident = True
        return True
