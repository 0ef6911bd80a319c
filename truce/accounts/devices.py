"""What a browser's user agent string says, in a few words ("Chrome on Windows"), for the list
of signed-in sessions. Only the common browsers and systems of the product's users (WeChat,
DingTalk and Feishu's built-in browsers included); anything else is "Unknown browser"."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_BROWSERS = tuple(
    (re.compile(p), n)
    for p, n in (
        (r"MicroMessenger/", "WeChat"),
        (r"DingTalk/", "DingTalk"),
        (r"Lark/|Feishu/", "Feishu"),
        (r"Edg(e|A|iOS)?/", "Edge"),
        (r"OPR/|Opera", "Opera"),
        (r"Firefox/|FxiOS/", "Firefox"),
        (r"Chrome/|CriOS/|Chromium/", "Chrome"),
        (r"Safari/", "Safari"),
        (r"python-requests|python-httpx|curl/|Wget/", "Script"),
    )
)
_SYSTEMS = tuple(
    (re.compile(p), n)
    for p, n in (
        (r"HarmonyOS|OpenHarmony", "HarmonyOS"),
        (r"Android", "Android"),
        (r"iPhone|iPad|iPod", "iOS"),
        (r"Windows", "Windows"),
        (r"Mac OS X|Macintosh", "macOS"),
        (r"CrOS", "ChromeOS"),
        (r"Linux|X11", "Linux"),
    )
)


def _first(rules, text: str) -> str:
    return next((name for pattern, name in rules if pattern.search(text)), "")


def device_label(user_agent: str) -> str:
    """ "Chrome on Windows", "WeChat on iOS", or the translated "Unknown browser"."""
    browser, system = _first(_BROWSERS, user_agent or ""), _first(_SYSTEMS, user_agent or "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")
