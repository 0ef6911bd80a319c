"""The strength meter on the new-password fields (ASVS 2.1.8): the site's own rules first (a
broken rule scores 0 and is named), then length and variety; only the new password is sent."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import client_for
from truce.accounts.strength import assess


@pytest.mark.parametrize(
    ("password", "score"),
    [
        ("correcthorse", 1),  # allowed, one kind of character
        ("Correct-horse", 3),  # 13 characters, three kinds
        ("correct horse battery", 4),
        ("abcdefghijklmnop", 3),  # long, one kind
        ("产品运营一起做计划表格", 1),  # 11 Chinese characters: one kind
        ("产品运营一起做计划表格2026", 2),  # 15 characters, two kinds
        ("产品运营一起做计划表格2026！", 3),
    ],
)
def test_allowed_passwords_score_by_length_and_variety(db, password, score):
    assert assess(password).score == score


def test_a_broken_rule_scores_zero_and_says_which(db, settings):
    settings.PASSWORD_MIN_LENGTH = 10
    short = assess("Ab1!")
    assert short.score == 0 and short.label == "Not accepted"
    assert any("too short" in p for p in short.problems)
    assert any("too common" in p for p in assess("password123").problems)
    similar = assess("alice.wong2026", username="alice.wong", email="alice@example.com")
    assert similar.score == 0 and any("too similar" in p for p in similar.problems)
    assert assess("").label == "" and assess("x" * 10_000).score == 0  # too long: refused


def test_the_signed_in_person_is_compared_too(alice):
    alice.email = "wonderful.rabbit@example.com"
    assert any("too similar" in p for p in assess("wonderful.rabbit", user=alice).problems)


def test_the_fragment_in_both_languages(db):
    url = reverse("accounts:password_strength")
    english = Client()
    english.cookies["django_language"] = "en"
    body = english.post(url, {"new_password1": "correct horse battery"}).content.decode()
    assert 'id="password-strength"' in body and 'value="4"' in body and "Strong" in body
    chinese = Client()
    chinese.cookies["django_language"] = "zh-hans"
    body = chinese.post(url, {"password": "123"}).content.decode()
    assert 'value="0"' in body and "不符合要求" in body and "<li>" in body
    body = english.post(url, {}).content.decode()
    assert 'id="password-strength"' in body and "<meter" not in body


def test_it_takes_only_posts_with_the_csrf_token(db):
    assert Client().get(reverse("accounts:password_strength")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("accounts:password_strength"), {"password": "x"}).status_code == 403


def test_the_forms_send_only_the_new_password(alice):
    page = client_for(alice).get(reverse("accounts:password_change")).content.decode()
    assert 'hx-params="new_password1"' in page and 'id="password-strength"' in page
    assert page.count("hx-post=") == 1  # on the new password only, not the current one
