from __future__ import annotations

import pytest

from truce.core.access import access_workspace
from truce.glossary import services


@pytest.fixture
def ctx(alice, workspace):
    return access_workspace(alice, workspace.slug)


@pytest.fixture
def gmv(ctx):
    return services.term_create(
        ctx=ctx,
        term_zh="GMV",
        term_en="GMV",
        aliases=["成交总额"],
        side="operations",
        definition_zh="商品交易总额，含未支付和退货订单。",
        definition_en="Gross merchandise volume, including unpaid and returned orders.",
        equivalent_zh="下单金额总和",
        equivalent_en="the sum of all order amounts",
        example_zh="大促当天 GMV 破千万。",
        example_en="GMV passed ten million on sale day.",
    )


@pytest.fixture
def tracking(ctx):
    return services.term_create(
        ctx=ctx,
        term_zh="埋点",
        term_en="Event tracking",
        side="product",
        definition_zh="预先设置的数据采集点。",
        definition_en="Data collection points built into the product.",
        equivalent_zh="事件追踪、数据上报",
        equivalent_en="the data behind campaign reports",
    )
