"""Fast checks of the XSS corpus and of the field inventory the browser test seeds
(tests/browser/test_xss.py): no database, no browser."""

from __future__ import annotations

from collections import Counter

from tests.hostile.xss_payloads import ALL, PAYLOADS, SHORT, URL_PAYLOADS
from tests.hostile.xss_seed import Filler, user_text_fields

# Fields the issue names: none of them may be dropped from the inventory by mistake.
MUST_BE_SEEDED = {
    "requirements.Requirement.title",
    "requirements.Requirement.description",
    "requirements.Tag.name",
    "discussion.Comment.body",
    "resources.Campaign.title",
    "resources.Campaign.description",
    "goals.Objective.title",
    "goals.KeyResult.title",
    "goals.KeyResult.unit",
    "responsibilities.Activity.name",
    "glossary.Term.term_zh",
    "glossary.Term.term_en",
    "glossary.Term.definition_zh",
    "glossary.Term.example_en",
    "meetings.MeetingSeries.title",
    "meetings.Meeting.minutes",
    "meetings.Decision.product_position",
    "meetings.Decision.operations_position",
    "meetings.ActionItem.title",
    "launches.Launch.name",
    "launches.ReadinessItem.text",
    "launches.Milestone.name",
    "launches.Vote.reason",
    "conflicts.Conflict.product_position",
    "conflicts.Evidence.label",
    "resources.ResourcePool.name",
    "planning.Scenario.name",
    "customers.Customer.name",
    "accounts.User.display_name",
    "accounts.Workspace.name",
}


def test_the_corpus_is_large_and_has_no_duplicates():
    assert len(PAYLOADS) >= 60
    assert not [text for text, n in Counter(p.text for p in ALL).items() if n > 1]
    kinds = {p.kind for p in PAYLOADS}
    for kind in ("script", "handler", "markdown", "svg", "mathml", "frame", "htmx", "json"):
        assert kind in kinds, kind
    assert all(len(p.text) <= 20 for p in SHORT)
    assert all(p.text.startswith(("https://", "http://", "/")) for p in URL_PAYLOADS)


def test_every_named_field_is_seeded():
    seeded = {label for label, _model, _field in user_text_fields()}
    assert seeded >= MUST_BE_SEEDED, sorted(MUST_BE_SEEDED - seeded)


def test_filler_fits_limits_and_uses_every_payload():
    filler = Filler()
    values = [filler.plain(limit, set()) for limit in (20, 40, 80, 200, None) * 60]
    values += [filler.markdown() for _ in range(40)]
    assert all(len(v) <= 20 for v in values[0:300:5])
    assert set(PAYLOADS + SHORT) <= filler.used
    taken: set[str] = set()
    for _ in range(60):  # a unique field gets a fresh value each time
        value = filler.plain(40, taken)
        assert value not in taken and len(value) <= 40
        taken.add(value)
