"""Mentions are pure text work: no database."""

from __future__ import annotations

from truce.discussion.mentions import find_mentions, highlight_mentions, mentioned_usernames

MEMBERS = ["alice", "olivia", "ali", "li.na"]


def test_longest_username_wins_and_chinese_may_follow_directly():
    assert mentioned_usernames("@olivia你看一下，@alice。", MEMBERS) == ["olivia", "alice"]
    assert mentioned_usernames("@alice and @ali", MEMBERS) == ["alice", "ali"]


def test_chinese_may_precede_but_email_addresses_are_not_mentions():
    assert mentioned_usernames("请@olivia确认", MEMBERS) == ["olivia"]
    assert mentioned_usernames("mail alice@example.com or olivia@x", MEMBERS) == []


def test_unknown_names_repeats_and_case():
    assert mentioned_usernames("@bob @OLIVIA @olivia", MEMBERS) == ["olivia"]
    assert [m.username for m in find_mentions("@li.na.", MEMBERS)] == ["li.na"]


def test_positions_cover_the_at_sign_and_the_name():
    (m,) = find_mentions("hi @alice!", MEMBERS)
    assert (m.start, m.end) == (3, 9)


def test_highlight_skips_code_and_links():
    html = '<p>@alice 看 <code>@alice</code> <a href="/x">@alice</a></p>'
    out = highlight_mentions(html, ["alice"])
    assert out.count('<span class="mention">@alice</span>') == 1
    assert "<code>@alice</code>" in out and '<a href="/x">@alice</a>' in out
    assert highlight_mentions(html, []) == html
