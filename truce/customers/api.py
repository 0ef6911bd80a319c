"""API for customers, segment thresholds, feedback triage and requirements' customer demand."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status

from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS
from truce.core.access import (
    access_customer,
    access_feedback,
    access_requirement,
    access_workspace,
)
from truce.core.concurrency import version_from_if_match
from truce.core.errors import ValidationFailed
from truce.customers import selectors, services
from truce.customers.models import Customer
from truce.customers.schemas import (
    ChannelName,
    CreatedRequirementOut,
    CreateRequirementIn,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerPatch,
    CustomerSortName,
    DemandOut,
    FeedbackIn,
    FeedbackLinkIn,
    FeedbackOut,
    FeedbackPage,
    FeedbackPatch,
    FeedbackStatusName,
    SegmentName,
    SegmentPolicyIn,
    SegmentPolicyOut,
)
from truce.requirements.models import Requirement
from truce.requirements.schemas import RequirementRef

router = Router(tags=["customers"])
CUSTOMERS = "/workspaces/{slug}/customers"
FEEDBACK = "/workspaces/{slug}/feedback"


class CustomerQuery(Schema):
    segment: SegmentName | None = None
    churn_risk: bool | None = None
    q: str = Field("", max_length=200)
    sort: CustomerSortName = "value"
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)


class FeedbackQuery(Schema):
    status: FeedbackStatusName | None = None
    channel: ChannelName | None = None
    customer_id: int | None = None
    q: str = Field("", max_length=200)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)


def _page(qs, query) -> dict:
    start = (query.page - 1) * query.page_size
    return {
        "count": qs.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": list(qs[start : start + query.page_size]),
    }


def _customer(ctx, payload: dict) -> dict:
    """Turn ``customer_id`` into a customer of this workspace (or None)."""
    if "customer_id" not in payload:
        return payload
    customer_id = payload.pop("customer_id")
    found = Customer.objects.for_workspace(ctx.workspace).filter(pk=customer_id).first()
    if customer_id and found is None:
        raise ValidationFailed(fields={"customer_id": [_("No customer with this id here.")]})
    return {**payload, "customer": found}


# Customers -----------------------------------------------------------------------------------


@router.get(CUSTOMERS, response={200: CustomerPage, **COMMON_ERRORS})
def customer_list(request, slug: str, query: Query[CustomerQuery]):
    ctx = access_workspace(request.user, slug)
    f = selectors.CustomerFilter(
        segment=query.segment or "", churn_risk=query.churn_risk, q=query.q, sort=query.sort
    )
    return _page(selectors.filter_customers(ctx.workspace, f), query)


@router.post(CUSTOMERS, response={201: CustomerOut, **WRITE_ERRORS})
def customer_create(request, response: HttpResponse, slug: str, payload: CustomerIn):
    ctx = access_workspace(request.user, slug, write=True)
    customer = services.customer_create(ctx=ctx, **payload.dict())
    response["ETag"] = customer.etag
    return Status(201, customer)


@router.get(CUSTOMERS + "/{customer_id}", response={200: CustomerOut, **COMMON_ERRORS})
def customer_detail(request, response: HttpResponse, slug: str, customer_id: int):
    customer = access_customer(access_workspace(request.user, slug), customer_id)
    response["ETag"] = customer.etag
    return customer


@router.patch(CUSTOMERS + "/{customer_id}", response={200: CustomerOut, **WRITE_ERRORS})
def customer_update(
    request,
    response: HttpResponse,
    slug: str,
    customer_id: int,
    payload: CustomerPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx = access_workspace(request.user, slug)
    customer = access_customer(ctx, customer_id, write=True)
    version = version_from_if_match(if_match, pk=customer.pk)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.customer_update(ctx=ctx, customer=customer, expected_version=version, **data)
    response["ETag"] = customer.etag
    return customer


@router.delete(CUSTOMERS + "/{customer_id}", response={204: None, **WRITE_ERRORS})
def customer_delete(
    request, slug: str, customer_id: int, if_match: str | None = Header(None, alias="If-Match")
):
    """Send If-Match with the customer's ETag: a stale one (someone changed the customer since)
    is refused with 412, a missing one with 428."""
    ctx = access_workspace(request.user, slug)
    customer = access_customer(ctx, customer_id, write=True)
    version = version_from_if_match(if_match, pk=customer.pk)
    services.customer_delete(ctx=ctx, customer=customer, expected_version=version)
    return Status(204, None)


@router.get("/workspaces/{slug}/segment-policy", response={200: SegmentPolicyOut, **COMMON_ERRORS})
def segment_policy_detail(request, response: HttpResponse, slug: str):
    ctx = access_workspace(request.user, slug)
    policy = services.segment_policy_of(ctx.workspace)
    response["ETag"] = policy.etag
    return policy


@router.put("/workspaces/{slug}/segment-policy", response={200: SegmentPolicyOut, **WRITE_ERRORS})
def segment_policy_update(
    request,
    response: HttpResponse,
    slug: str,
    payload: SegmentPolicyIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx = access_workspace(request.user, slug, admin=True)
    version = version_from_if_match(if_match, pk=services.segment_policy_of(ctx.workspace).pk)
    policy = services.segment_policy_update(ctx=ctx, expected_version=version, **payload.dict())
    response["ETag"] = policy.etag
    return policy


# Feedback ------------------------------------------------------------------------------------


@router.get(FEEDBACK, response={200: FeedbackPage, **COMMON_ERRORS})
def feedback_list(request, slug: str, query: Query[FeedbackQuery]):
    """Every status unless ``status`` is given (the inbox page asks for ``new``)."""
    ctx = access_workspace(request.user, slug)
    f = selectors.FeedbackFilter(
        status=query.status or "",
        channel=query.channel or "",
        customer=query.customer_id,
        q=query.q,
    )
    return _page(selectors.filter_feedback(ctx.workspace, f), query)


@router.post(FEEDBACK, response={201: FeedbackOut, **WRITE_ERRORS})
def feedback_create(request, response: HttpResponse, slug: str, payload: FeedbackIn):
    ctx = access_workspace(request.user, slug, write=True)
    feedback = services.feedback_create(ctx=ctx, **_customer(ctx, payload.dict()))
    response["ETag"] = feedback.etag
    return Status(201, feedback)


@router.get(FEEDBACK + "/{feedback_id}", response={200: FeedbackOut, **COMMON_ERRORS})
def feedback_detail(request, response: HttpResponse, slug: str, feedback_id: int):
    feedback = access_feedback(access_workspace(request.user, slug), feedback_id)
    response["ETag"] = feedback.etag
    return feedback


@router.patch(FEEDBACK + "/{feedback_id}", response={200: FeedbackOut, **WRITE_ERRORS})
def feedback_update(
    request,
    response: HttpResponse,
    slug: str,
    feedback_id: int,
    payload: FeedbackPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx = access_workspace(request.user, slug)
    feedback = access_feedback(ctx, feedback_id, write=True)
    version = version_from_if_match(if_match, pk=feedback.pk)
    data = payload.dict(exclude_unset=True)
    data = {k: v for k, v in data.items() if v is not None or k == "customer_id"}
    services.feedback_update(
        ctx=ctx, feedback=feedback, expected_version=version, **_customer(ctx, data)
    )
    response["ETag"] = feedback.etag
    return feedback


def _for_triage(request, slug: str, feedback_id: int, if_match: str | None):
    ctx = access_workspace(request.user, slug)
    feedback = access_feedback(ctx, feedback_id, write=True)
    return ctx, feedback, version_from_if_match(if_match, pk=feedback.pk)


@router.post(FEEDBACK + "/{feedback_id}/link", response={200: FeedbackOut, **WRITE_ERRORS})
def feedback_link(
    request,
    response: HttpResponse,
    slug: str,
    feedback_id: int,
    payload: FeedbackLinkIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, feedback, version = _for_triage(request, slug, feedback_id, if_match)
    requirement = Requirement.objects.filter(workspace=ctx.workspace, number=payload.number).first()
    if requirement is None:
        raise ValidationFailed(fields={"number": [_("No requirement with this number here.")]})
    services.feedback_link(
        ctx=ctx, feedback=feedback, requirement=requirement, expected_version=version
    )
    response["ETag"] = feedback.etag
    return feedback


@router.post(FEEDBACK + "/{feedback_id}/unlink", response={200: FeedbackOut, **WRITE_ERRORS})
def feedback_unlink(
    request,
    response: HttpResponse,
    slug: str,
    feedback_id: int,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Back to the inbox: unlinks linked feedback, reopens dismissed feedback."""
    ctx, feedback, version = _for_triage(request, slug, feedback_id, if_match)
    services.feedback_unlink(ctx=ctx, feedback=feedback, expected_version=version)
    response["ETag"] = feedback.etag
    return feedback


@router.post(FEEDBACK + "/{feedback_id}/dismiss", response={200: FeedbackOut, **WRITE_ERRORS})
def feedback_dismiss(
    request,
    response: HttpResponse,
    slug: str,
    feedback_id: int,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, feedback, version = _for_triage(request, slug, feedback_id, if_match)
    services.feedback_dismiss(ctx=ctx, feedback=feedback, expected_version=version)
    response["ETag"] = feedback.etag
    return feedback


@router.post(
    FEEDBACK + "/{feedback_id}/create-requirement",
    response={201: CreatedRequirementOut, **WRITE_ERRORS},
)
def feedback_create_requirement(
    request,
    slug: str,
    feedback_id: int,
    payload: CreateRequirementIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, feedback, version = _for_triage(request, slug, feedback_id, if_match)
    data = {k: v for k, v in payload.dict().items() if v is not None or k == "description"}
    requirement = services.feedback_create_requirement(
        ctx=ctx, feedback=feedback, expected_version=version, **data
    )
    return Status(201, {"feedback": feedback, "requirement": requirement})


@router.get(
    FEEDBACK + "/{feedback_id}/similar", response={200: list[RequirementRef], **COMMON_ERRORS}
)
def feedback_similar(request, slug: str, feedback_id: int):
    """Requirements that may already cover this feedback (likely duplicates)."""
    ctx = access_workspace(request.user, slug)
    feedback = access_feedback(ctx, feedback_id)
    return selectors.similar_requirements(ctx.workspace, feedback.text)


class DemandQuery(Schema):
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)


@router.get(
    "/workspaces/{slug}/requirements/{number}/customers", response={200: DemandOut, **COMMON_ERRORS}
)
def requirement_customers(request, slug: str, number: int, query: Query[DemandQuery]):
    """The customers asking for the requirement, best segment and highest value first, a page
    at a time (``page``, ``page_size`` up to 200); ``count`` is how many there are in all."""
    _, requirement = access_requirement(request.user, slug, number)
    start = (query.page - 1) * query.page_size
    breakdown = selectors.demand_breakdown(requirement, limit=query.page_size, offset=start)
    return {
        "demand_value": requirement.demand_value,
        "demand_customers": requirement.demand_customers,
        "top_segment": requirement.top_segment,
        "anonymous_feedback": breakdown["anonymous_feedback"],
        "count": breakdown["customer_count"],
        "page": query.page,
        "page_size": query.page_size,
        "customers": breakdown["customers"],
    }
