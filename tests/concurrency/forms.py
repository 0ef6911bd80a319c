"""Read the forms of a page the way a browser submits them (standard library only): inputs,
checked boxes, selected options, text areas, controls tied to a form by ``form="id"``, and
the named submit buttons one may press."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    element_id: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)

    def data(self, changes: dict | None = None, press: tuple[str, str] | None = None) -> dict:
        """What the browser sends with ``changes`` typed in (None unticks or empties a
        choice) after pressing the submit button ``press`` (name, value)."""
        sent: dict[str, list[str] | str] = {k: list(v) for k, v in self.fields.items()}
        for name, value in (changes or {}).items():
            if value is None:
                sent.pop(name, None)
            else:
                sent[name] = value
        if press is not None:
            assert press in self.buttons, (press, self.buttons)
            sent[press[0]] = press[1]
        return sent

    def has_version(self) -> bool:
        return any(name == "version" or name.endswith("-version") for name in self.fields)


class _Parser(HTMLParser):
    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._controls: list[tuple[Form | str, str, str]] = []  # form (or its id), name, value
        self._buttons: list[tuple[Form | str, str, str]] = []
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def _target(self, attrs: dict) -> Form | str | None:
        return attrs["form"] if attrs.get("form") else self._form

    def _end_option(self) -> None:
        if self._option is not None and self._select is not None:
            o = self._option
            value = o["value"] if o["value"] is not None else "".join(o["text"]).strip()
            self._select["options"].append((value, o["selected"]))
        self._option = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            action = a.get("action") or a.get("hx-post") or self.url
            method = (a.get("method") or ("post" if a.get("hx-post") else "get")).lower()
            self._form = Form(action=action, method=method, element_id=a.get("id", ""))
            self.forms.append(self._form)
            return
        if tag == "option":
            if self._select is not None:
                self._end_option()
                self._option = {"value": a.get("value"), "selected": "selected" in a, "text": []}
            return
        target = self._target(a)
        if target is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "button" and a.get("type", "submit").lower() == "submit":
            self._buttons.append((target, name, a.get("value", "")))
        elif tag == "input":
            kind = a.get("type", "text").lower()
            unchecked = kind in ("checkbox", "radio") and "checked" not in a
            if kind in ("submit", "image"):
                self._buttons.append((target, name, a.get("value", "")))
            elif kind not in ("button", "reset", "file") and not unchecked:
                default = "on" if kind == "checkbox" else ""
                self._controls.append((target, name, a.get("value", default)))
        elif tag == "textarea":
            self._textarea = {"target": target, "name": name, "text": []}
        elif tag == "select":
            self._select = {
                "target": target, "name": name, "multiple": "multiple" in a, "options": []
            }  # fmt: skip

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"].append(data)
        if self._option is not None:
            self._option["text"].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea["text"])
            text = text[1:] if text.startswith("\n") else text
            self._controls.append((self._textarea["target"], self._textarea["name"], text))
            self._textarea = None
        elif tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            s = self._select
            chosen = [v for v, selected in s["options"] if selected]
            if not chosen and s["options"] and not s["multiple"]:
                chosen = [s["options"][0][0]]
            self._controls.extend((s["target"], s["name"], v) for v in chosen)
            self._select = None

    def resolve(self) -> list[Form]:
        by_id = {f.element_id: f for f in self.forms if f.element_id}
        for target, name, value in self._controls:
            form = by_id.get(target) if isinstance(target, str) else target
            if form is not None and name:
                form.fields.setdefault(name, []).append(value)
        for target, name, value in self._buttons:
            form = by_id.get(target) if isinstance(target, str) else target
            if form is not None:
                form.buttons.append((name, value))
        return self.forms


def forms_of(html: str, url: str) -> list[Form]:
    parser = _Parser(url)
    parser.feed(html)
    parser.close()
    return parser.resolve()
