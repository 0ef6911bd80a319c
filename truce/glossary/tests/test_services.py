from __future__ import annotations

import pytest

from truce.core.access import access_workspace
from truce.core.errors import PermissionDenied, PreconditionFailed, ValidationFailed
from truce.core.models import ChangeRecord, DomainEvent
from truce.glossary import services
from truce.glossary.models import Term
from truce.glossary.starter import STARTER

pytestmark = pytest.mark.django_db


def test_create_derives_key_and_search_text_and_records(ctx, gmv):
    assert gmv.key == "gmv" and gmv.version == 1 and gmv.created_by.username == "alice"
    assert "成交总额" in gmv.search_text and "gross merchandise" in gmv.search_text
    assert ChangeRecord.objects.filter(subject_type="term", verb="created").count() == 1
    event = DomainEvent.objects.get(kind="term.created")
    assert event.url == f"/w/spark/glossary/{gmv.pk}/" and event.title == "GMV"


def test_create_needs_a_name_and_a_definition(ctx):
    with pytest.raises(ValidationFailed) as exc:
        services.term_create(ctx=ctx, side="product")
    assert set(exc.value.fields) == {"term_zh", "definition_zh"}


def test_create_refuses_a_bad_side_and_long_texts(ctx):
    with pytest.raises(ValidationFailed) as exc:
        services.term_create(ctx=ctx, term_zh="x", side="sales", definition_zh="y")
    assert "side" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.term_create(ctx=ctx, term_zh="x", side="product", definition_zh="y" * 2001)
    assert "definition_zh" in exc.value.fields


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"term_zh": "ＧＭＶ"}, "term_zh"),  # full width and case fold to the same word
        ({"term_en": "gmv"}, "term_en"),
        ({"term_zh": "交易额", "aliases": ["成交总额"]}, "aliases"),
        ({"term_zh": "成交总额"}, "term_zh"),  # another term's alias
    ],
)
def test_duplicates_are_refused_on_the_field(ctx, gmv, fields, field):
    with pytest.raises(ValidationFailed) as exc:
        services.term_create(ctx=ctx, side="operations", definition_zh="x", **fields)
    assert list(exc.value.fields) == [field]
    assert "GMV" in exc.value.fields[field][0]


def test_aliases_are_cleaned(ctx):
    term = services.term_create(
        ctx=ctx,
        term_zh="复购",
        side="operations",
        definition_zh="再次购买",
        aliases=[" 复购率 ", "复购率", "", "复购", "repeat  purchase"],
    )
    assert term.aliases == ["复购率", "repeat purchase"]
    with pytest.raises(ValidationFailed):
        services.term_update(
            ctx=ctx, term=term, expected_version=1, aliases=[f"a{i}" for i in range(21)]
        )
    with pytest.raises(ValidationFailed):
        services.term_update(ctx=ctx, term=term, expected_version=1, aliases=["x" * 81])


def test_update_is_version_checked_and_recorded(ctx, gmv):
    services.term_update(ctx=ctx, term=gmv, expected_version=1, equivalent_zh="成交额")
    assert gmv.version == 2
    change = ChangeRecord.objects.get(subject_type="term", verb="updated")
    assert change.changes == {"equivalent_zh": ["下单金额总和", "成交额"]}
    assert DomainEvent.objects.filter(kind="term.changed").count() == 1
    stale = Term.objects.get(pk=gmv.pk)
    stale.version = 1
    with pytest.raises(PreconditionFailed):
        services.term_update(ctx=ctx, term=stale, expected_version=1, example_zh="x")


def test_update_keeps_its_own_names_but_not_others(ctx, gmv, tracking):
    services.term_update(ctx=ctx, term=gmv, expected_version=1, term_en="GMV", side="both")
    with pytest.raises(ValidationFailed) as exc:
        services.term_update(ctx=ctx, term=gmv, expected_version=2, aliases=["埋点"])
    assert "aliases" in exc.value.fields


def test_update_refuses_unknown_fields(ctx, gmv):
    with pytest.raises(ValidationFailed):
        services.term_update(ctx=ctx, term=gmv, expected_version=1, workspace=None)


def test_delete_checks_the_version(ctx, gmv):
    with pytest.raises(PreconditionFailed):
        services.term_delete(ctx=ctx, term=gmv, expected_version=7)
    services.term_delete(ctx=ctx, term=gmv, expected_version=1)
    assert not Term.objects.exists()
    assert DomainEvent.objects.filter(kind="term.deleted").count() == 1


def test_viewers_cannot_write(victor, workspace, gmv):
    ctx = access_workspace(victor, workspace.slug)
    with pytest.raises(PermissionDenied):
        services.term_create(ctx=ctx, term_zh="x", side="product", definition_zh="y")
    with pytest.raises(PermissionDenied):
        services.term_update(ctx=ctx, term=gmv, expected_version=1, definition_zh="z")
    with pytest.raises(PermissionDenied):
        services.term_delete(ctx=ctx, term=gmv, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.starter_import(ctx=ctx)


def test_starter_import_is_idempotent_and_keeps_own_terms(ctx, gmv):
    result = services.starter_import(ctx=ctx)
    assert len(result.created) == len(STARTER) - 1 and result.skipped == ["GMV"]
    assert Term.objects.get(pk=gmv.pk).definition_zh == "商品交易总额，含未支付和退货订单。"
    again = services.starter_import(ctx=ctx)
    assert again.created == [] and len(again.skipped) == len(STARTER)
    assert DomainEvent.objects.filter(kind="glossary.imported").count() == 1


def test_terms_of_another_workspace_do_not_collide(ctx, gmv, charlie, other_workspace):
    other = access_workspace(charlie, other_workspace.slug)
    term = services.term_create(ctx=other, term_en="GMV", side="operations", definition_en="x")
    assert term.workspace == other_workspace


def test_starter_is_complete_in_both_languages_and_has_no_collisions():
    from truce.domain.glossary import fold

    required = {"灰度发布", "埋点", "迭代", "MVP", "GMV", "DAU/MAU", "拉新", "促活", "留存"}
    required |= {"转化率", "ROI", "私域", "裂变", "漏斗", "A/B 测试", "PRD", "需求评审", "排期"}
    required |= {"上线", "复盘", "客单价", "召回", "KOL/KOC", "ARPU"}
    assert required <= {e["term_zh"] for e in STARTER}
    seen: dict[str, str] = {}
    for entry in STARTER:
        for field in ("term", "definition", "equivalent", "example"):
            assert entry[f"{field}_zh"] and entry[f"{field}_en"], (entry["key"], field)
        assert entry["side"] in ("product", "operations", "both")
        for form in {fold(f) for f in (entry["term_zh"], entry["term_en"], *entry["aliases"])}:
            assert form not in seen, (form, entry["key"], seen.get(form))
            seen[form] = entry["key"]
    assert len({e["key"] for e in STARTER}) == len(STARTER)
