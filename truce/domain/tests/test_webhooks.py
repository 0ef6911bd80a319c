"""Delivery rules: retry schedule, rate-limit windows, reading platform answers, URLs."""

from __future__ import annotations

import json

import pytest

from truce.domain import webhooks as w

# Retries ----------------------------------------------------------------------------------


def test_backoff_is_one_min_five_min_half_hour_two_hours_twelve_hours():
    assert [w.retry_delay(n) for n in range(1, 6)] == [60, 300, 1800, 7200, 43200]


def test_no_retry_after_the_last_attempt():
    assert w.MAX_ATTEMPTS == 6
    assert w.retry_delay(w.MAX_ATTEMPTS) is None
    assert w.retry_delay(0) is None


def test_a_longer_retry_after_wins_over_the_schedule():
    assert w.retry_delay(1, retry_after=600) == 600
    assert w.retry_delay(2, retry_after=10) == 300


# Rate limits ------------------------------------------------------------------------------


def test_limits_per_platform_and_a_configurable_generic_limit():
    assert w.limits_for("feishu") == ((5, 1), (100, 60))
    assert w.limits_for("dingtalk") == ((20, 60),)
    assert w.limits_for("wecom") == ((20, 60),)
    assert w.limits_for("slack") == ((1, 1),)
    assert w.limits_for("generic", 30) == ((30, 60),)
    assert w.limits_for("generic", None) == ((60, 60),)


def test_under_the_limit_sends_now():
    assert w.next_free_slot([], 100.0, ((20, 60),)) is None
    assert w.next_free_slot([50.0] * 19, 100.0, ((20, 60),)) is None


def test_the_twenty_first_send_in_a_minute_waits_for_the_oldest_to_leave_the_window():
    sent = [50.0 + i for i in range(20)]  # 50..69
    assert w.next_free_slot(sent, 100.0, ((20, 60),)) == 110.0


def test_sends_older_than_the_window_do_not_count():
    sent = [10.0 + i for i in range(20)]  # all more than 60 s before now
    assert w.next_free_slot(sent, 100.0, ((20, 60),)) is None


def test_feishu_per_second_limit_applies_before_the_per_minute_one():
    sent = [99.5] * 5
    assert w.next_free_slot(sent, 99.9, w.limits_for("feishu")) == pytest.approx(100.5)


def test_feishu_per_minute_limit():
    sent = [40.0 + i * 0.5 for i in range(100)]  # 100 sends between 40 and 89.5
    assert w.next_free_slot(sent, 95.0, w.limits_for("feishu")) == 100.0


def test_slack_one_per_second():
    assert w.next_free_slot([99.2], 99.5, w.limits_for("slack")) == pytest.approx(100.2)
    assert w.next_free_slot([98.0], 99.5, w.limits_for("slack")) is None


# Platform answers -------------------------------------------------------------------------


def _j(**data) -> str:
    return json.dumps(data)


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("feishu", _j(code=0, msg="success", data={})),
        ("feishu", _j(StatusCode=0, StatusMessage="success")),
        ("dingtalk", _j(errcode=0, errmsg="ok")),
        ("wecom", _j(errcode=0, errmsg="ok")),
    ],
)
def test_platform_success(kind, body):
    assert w.classify_response(kind, 200, body).delivered


def test_feishu_http_200_with_a_nonzero_code_is_a_failure():
    outcome = w.classify_response("feishu", 200, _j(code=19021, msg="sign match fail"))
    assert not outcome.delivered and not outcome.retry
    assert "19021" in outcome.reason and "sign match fail" in outcome.reason


def test_feishu_rate_limit_code_is_retried():
    outcome = w.classify_response("feishu", 200, _j(code=11232, msg="frequency limited"))
    assert outcome.retry and outcome.retry_after == 60


def test_dingtalk_send_too_fast_waits_out_the_ten_minute_block():
    body = _j(errcode=130101, errmsg="send too fast, exceed 20 times per minute")
    outcome = w.classify_response("dingtalk", 200, body)
    assert outcome.retry and outcome.retry_after == 600


def test_dingtalk_keyword_or_sign_mismatch_is_permanent():
    outcome = w.classify_response("dingtalk", 200, _j(errcode=310000, errmsg="sign not match"))
    assert not outcome.delivered and not outcome.retry


def test_wecom_error_codes():
    assert w.classify_response("wecom", 200, _j(errcode=45009, errmsg="freq")).retry
    assert not w.classify_response("wecom", 200, _j(errcode=93000, errmsg="bad key")).retry
    assert w.classify_response("wecom", 200, _j(errcode=-1, errmsg="system busy")).retry


def test_a_platform_200_without_json_is_retried_not_trusted():
    outcome = w.classify_response("dingtalk", 200, "<html>gateway</html>")
    assert not outcome.delivered and outcome.retry


def test_a_platform_500_is_retried_a_400_is_not():
    assert w.classify_response("feishu", 502, "bad gateway").retry
    assert not w.classify_response("wecom", 400, "bad").retry


def test_slack_ok_429_and_permanent_errors():
    assert w.classify_response("slack", 200, "ok").delivered
    limited = w.classify_response("slack", 429, "", {"Retry-After": "30"})
    assert limited.retry and limited.retry_after == 30
    gone = w.classify_response("slack", 410, "channel_is_archived")
    assert not gone.retry and "channel_is_archived" in gone.reason


def test_generic_any_2xx_is_delivered_anything_else_retried():
    assert w.classify_response("generic", 204, "").delivered
    assert w.classify_response("generic", 401, "no").retry
    assert w.classify_response("generic", 503, "", {"retry-after": "12"}).retry_after == 12


def test_retry_after_as_a_date_is_ignored():
    outcome = w.classify_response("generic", 503, "", {"Retry-After": "Wed, 21 Oct 2015"})
    assert outcome.retry and outcome.retry_after is None


# URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/0f1e-22aa"),
        ("feishu", "https://open.larksuite.com/open-apis/bot/v2/hook/abc"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc123"),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"),
        ("slack", "https://hooks.slack.com/services/T000/B000/XXXX"),
        ("generic", "https://example.com/hooks/truce?x=1"),
        ("generic", "http://127.0.0.1:8080/"),
    ],
)
def test_good_urls(kind, url):
    assert w.url_problem(kind, url) is None


@pytest.mark.parametrize(
    ("kind", "url", "problem"),
    [
        ("generic", "ftp://example.com/x", "scheme"),
        ("generic", "file:///etc/passwd", "scheme"),
        ("generic", "javascript:alert(1)", "scheme"),
        ("generic", "http:///nohost", "host"),
        ("generic", "https://user:pw@example.com/", "credentials"),
        ("generic", "http://example.com:99999/", "shape"),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "shape"),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=", "shape"),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/other?key=a", "shape"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send", "shape"),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/", "shape"),
        ("slack", "https://hooks.slack.com/services/T000", "shape"),
    ],
)
def test_bad_urls(kind, url, problem):
    assert w.url_problem(kind, url) == problem


def test_mask_url_hides_path_and_query():
    masked = w.mask_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret")
    assert masked == "https://qyapi.weixin.qq.com/…"
    assert w.mask_url("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/…"
    assert w.mask_url("nonsense") == "…"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fe80::1%eth0",
        "fc00::1",
        "::ffff:127.0.0.1",
        "not-an-ip",
    ],
)
def test_forbidden_addresses(address):
    assert w.forbidden_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "203.119.0.1", "2606:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert not w.forbidden_address(address)


def test_literal_host_check_without_dns():
    assert w.literal_host_forbidden("localhost")
    assert w.literal_host_forbidden("api.localhost")
    assert w.literal_host_forbidden("[::1]")
    assert w.literal_host_forbidden("10.0.0.8")
    assert not w.literal_host_forbidden("hooks.slack.com")
    assert not w.literal_host_forbidden("8.8.8.8")


# Event filters ----------------------------------------------------------------------------


def test_filters_match_prefixes_and_exact_kinds():
    filters = ["requirement.", "decision.recorded", "launch.go"]
    assert w.matches(filters, "requirement.status")
    assert w.matches(filters, "decision.recorded")
    assert w.matches(filters, "launch.go")
    assert not w.matches(filters, "launch.gone")
    assert not w.matches(filters, "comment.created")
    assert w.matches(["*"], "anything.at_all")
    assert not w.matches([], "requirement.created")


@pytest.mark.parametrize("item", ["*", "requirement.", "plan.", "launch.go", "okr2.check_in"])
def test_valid_filters(item):
    assert w.filter_valid(item)


@pytest.mark.parametrize("item", ["", ".", "Requirement.", "a b.", "requirement", "*.x"])
def test_invalid_filters(item):
    assert not w.filter_valid(item)


def test_a_bare_noun_means_all_its_events():
    assert w.normalize_filter(" Requirement ") == "requirement."
    assert w.normalize_filter("launch.go") == "launch.go"
    assert w.normalize_filter("*") == "*"
