from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

TermSideName = Literal["product", "operations", "both"]
Audience = Literal["product", "operations", "both"]


class TermOut(Schema):
    id: int
    term_zh: str
    term_en: str
    aliases: list[str]
    side: str
    definition_zh: str
    definition_en: str
    equivalent_zh: str
    equivalent_en: str
    example_zh: str
    example_en: str
    version: int
    created_at: datetime
    updated_at: datetime


class TermIn(Schema):
    """At least one of ``term_zh``/``term_en`` and one of the definitions are required."""

    term_zh: str = Field("", max_length=80)
    term_en: str = Field("", max_length=80)
    aliases: list[str] = Field(default_factory=list, max_length=20)
    side: TermSideName
    definition_zh: str = Field("", max_length=2000)
    definition_en: str = Field("", max_length=2000)
    equivalent_zh: str = Field("", max_length=300)
    equivalent_en: str = Field("", max_length=300)
    example_zh: str = Field("", max_length=1000)
    example_en: str = Field("", max_length=1000)


class TermPatch(Schema):
    term_zh: str | None = Field(None, max_length=80)
    term_en: str | None = Field(None, max_length=80)
    aliases: list[str] | None = Field(None, max_length=20)
    side: TermSideName | None = None
    definition_zh: str | None = Field(None, max_length=2000)
    definition_en: str | None = Field(None, max_length=2000)
    equivalent_zh: str | None = Field(None, max_length=300)
    equivalent_en: str | None = Field(None, max_length=300)
    example_zh: str | None = Field(None, max_length=1000)
    example_en: str | None = Field(None, max_length=1000)


class ImportOut(Schema):
    created: list[TermOut]
    skipped: list[str]


class ExampleOut(Schema):
    ref: str
    sentence: str


class SuggestionOut(Schema):
    word: str
    count: int
    documents: int
    reason: str
    examples: list[ExampleOut]


class HighlightIn(Schema):
    text: str = Field(..., max_length=50000, description="Markdown (plain text is Markdown too)")
    audience: Audience | None = Field(
        None, description="whose vocabulary to explain in; default: the caller's side"
    )


class MarkedTerm(Schema):
    id: int
    name: str
    side: str


class HighlightOut(Schema):
    html: str
    terms: list[MarkedTerm]
