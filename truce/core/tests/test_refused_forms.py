"""A refused form answers 4xx whichever view drew it (core.middleware.RefusedFormMiddleware)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from truce.core.middleware import RefusedFormMiddleware

FIELD = '<p class="field-error" role="alert">必填</p>'
ABOVE = '<div class="form-errors" role="alert"><p>x</p></div>'
STALE = '<div class="callout conflict" role="alert" data-stale>别人改过</div>' + FIELD
CONTESTED = '<div class="callout conflict" role="note">Contested</div>'  # not a refusal


@pytest.mark.parametrize(
    ("method", "body", "status", "expected"),
    [
        ("post", FIELD, 200, 422),
        ("post", ABOVE, 200, 422),
        ("post", STALE, 200, 409),  # stale wins over the field errors it also shows
        ("post", "<p>saved</p>", 200, 200),
        ("post", CONTESTED, 200, 200),
        ("post", FIELD, 403, 403),  # a status the view chose stays
        ("get", FIELD, 200, 200),  # a page that merely shows errors is not a refusal
    ],
)
def test_refused_forms_get_their_status(method, body, status, expected):
    request = getattr(RequestFactory(), method)("/x/")
    middleware = RefusedFormMiddleware(lambda r: HttpResponse(body, status=status))
    assert middleware(request).status_code == expected


def test_other_answers_are_left_alone():
    request = RequestFactory().post("/x/")
    json = RefusedFormMiddleware(lambda r: HttpResponse(FIELD, content_type="application/json"))
    assert json(request).status_code == 200
    streamed = RefusedFormMiddleware(lambda r: StreamingHttpResponse(iter([FIELD])))
    assert streamed(request).status_code == 200
