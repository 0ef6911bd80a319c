"""A corpus of cross-site scripting payloads for every text and Markdown field.

Every payload that would do anything if it reached the page unescaped calls ``alert``,
``confirm`` or ``prompt``, asks for a URL containing ``xss-probe``, or needs a CSP exception
(inline script, inline handler, inline style, a foreign image or frame): the browser test
(tests/browser/test_xss.py) traps the dialogs, watches requests for the probe and counts CSP
violations, so a payload that works is seen however it works.

``PAYLOADS`` go into every text and Markdown field; ``URL_PAYLOADS`` go into fields that hold
a link (a conflict's evidence, a manual agenda item, a robot's address) and are shaped to pass
those fields' checks (``https://``, ``http://`` or ``/`` first), so what is tested is how the
page prints an accepted link. ``SHORT`` ones fit the 20-character fields (a key result's unit).

CSV/Excel formula payloads are out of scope here (exports have their own tests).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    kind: str
    text: str


P = Payload

PAYLOADS: tuple[Payload, ...] = (
    # script elements, plain and disguised
    P("script", "<script>alert(1)</script>"),
    P("script", "<ScRiPt>confirm(1)</sCrIpT>"),
    P("script", "<script src=data:text/javascript,alert(1)></script>"),
    P("script", "<<script>script>alert(1)<</script>/script>"),
    P("script", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    P("script", "<script>prompt`1`</script>"),
    P("script", "<xss onafterscriptexecute=alert(1)><script>1</script>"),
    P("encoded", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
    P("encoded", r"\u003cscript\u003ealert(1)\u003c/script\u003e"),
    P("encoded", r"\x3cscript\x3ealert(1)\x3c/script\x3e"),
    # event handlers
    P("handler", "<img src=x onerror=alert(1)>"),
    P("handler", "<IMG SRC=x OnErRoR=alert(1)>"),
    P("handler", "<svg onload=alert(1)>"),
    P("handler", "<svg/onload=confirm(1)//"),
    P("handler", "<body onload=alert(1)>"),
    P("handler", "<input autofocus onfocus=alert(1)>"),
    P("handler", "<select autofocus onfocus=alert(1)></select>"),
    P("handler", "<details open ontoggle=alert(1)>"),
    P("handler", '<div onmouseover="alert(1)" style="position:fixed;inset:0">悬停</div>'),
    P("handler", '<video><source onerror="alert(1)"></video>'),
    P("handler", "<marquee onstart=alert(1)>x</marquee>"),
    P("handler", '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;(1)">'),
    P("handler", "<img src=x:alert(alt) onerror=eval(src) alt=1>"),
    # breaking out of attributes and of the element the value sits in
    P("attribute", '"><script>alert(1)</script>'),
    P("attribute", "'><img src=x onerror=alert(1)>"),
    P("attribute", '" onmouseover="alert(1)'),
    P("attribute", "' onmouseover='alert(1)' x='"),
    P("attribute", '" autofocus onfocus="alert(1)" x="'),
    P("attribute", "`><img src=x onerror=alert(1)>`"),
    P("element", "</textarea><script>alert(1)</script>"),
    P("element", "</title><script>alert(1)</script>"),
    P("element", "</style><img src=x onerror=alert(1)>"),
    P("element", "</noscript><img src=x onerror=alert(1)>"),
    P("element", "</option></select><img src=x onerror=alert(1)>"),
    P("element", '<!--<img src="--><img src=x onerror=alert(1)//">'),
    P("element", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
    # breaking out of JSON inside <script> (chart data, json_script) and of JS strings
    P("json", "</script><script>alert(1)</script>"),
    P("json", '"}]}</script><script>alert(1)</script>'),
    P("json", "<!--<script>alert(1)//"),
    P("json", "';alert(1);//\";alert(1);//"),
    P("json", "行\u2028alert(1)\u2029分隔"),
    # Markdown links and images with dangerous schemes
    P("markdown", "[点我](javascript:alert(1))"),
    P("markdown", "[x](JaVaScRiPt:alert(1))"),
    P("markdown", "[x](javascript&#58;alert(1))"),
    P("markdown", "[x](&#106;avascript:alert(1))"),
    P("markdown", '[x](  javascript:alert(1)  "标题")'),
    P("markdown", "[x](java%0Ascript:alert(1))"),
    P("markdown", "[a](javascript://%0Aalert(1))"),
    P("markdown", "[x](vbscript:msgbox(1))"),
    P("markdown", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    P("markdown", "![x](javascript:alert(1))"),
    P("markdown", '![x](x" onerror="alert(1))'),
    P("markdown", "![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    P("markdown", "![跟踪](https://evil.example/xss-probe.png)"),
    P("markdown", '[x](https://evil.example/xss-probe "t\\" onmouseover=\\"alert(1)")'),
    P("markdown", "[引用][evil]\n\n[evil]: javascript:alert(1)"),
    P("markdown", "![引用图][pic]\n\n[pic]: javascript:alert(1)"),
    P("markdown", "<javascript:alert(1)>"),
    P("markdown", '<https://evil.example/"onmouseover="alert(1)>'),
    P("markdown", "```html\n<script>alert(1)</script>\n```"),
    P(
        "markdown",
        "| a | <img src=x onerror=alert(1)> |\n|---|---|\n| [x](javascript:alert(1)) | b |",
    ),
    # raw anchors and obfuscated schemes
    P("url", '<a href="javascript:alert(1)">点击</a>'),
    P("url", '<a href="jav&#x09;ascript:alert(1)">x</a>'),
    P(
        "url",
        '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">x</a>',
    ),
    P("url", "javascript:alert(1)"),
    # entities and look-alikes
    P("entity", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    P("entity", "&#60;img src=x onerror=alert(1)&#62;"),
    P("entity", "＜script＞alert(1)＜/script＞"),
    P("entity", "&amp;lt;svg onload=alert(1)&amp;gt;"),
    # SVG and MathML
    P("svg", "<svg><script>alert(1)</script></svg>"),
    P("svg", "<svg><animate onbegin=alert(1) attributeName=x dur=1s>"),
    P("svg", '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>'),
    P("svg", '<svg><foreignObject><iframe srcdoc="<script>alert(1)</script>"></iframe></svg>'),
    P("mathml", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    P("mathml", '<math href="javascript:alert(1)">x</math>'),
    # frames, objects, base, meta refresh, forms
    P("frame", '<iframe src="javascript:alert(1)"></iframe>'),
    P("frame", '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>'),
    P("frame", '<object data="data:text/html,<script>alert(1)</script>"></object>'),
    P("frame", '<embed src="javascript:alert(1)">'),
    P("frame", '<base href="https://evil.example/xss-probe/">'),
    P("frame", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    P("frame", '<link rel=stylesheet href="https://evil.example/xss-probe.css">'),
    P("form", '<form action="javascript:alert(1)"><button>提交</button></form>'),
    P("form", '<button form=x formaction="javascript:alert(1)">x</button>'),
    P("form", "<isindex action=javascript:alert(1) type=image>"),
    # styles
    P("style", '<div style="background:url(javascript:alert(1))">x</div>'),
    P("style", '<p style="width:expression(alert(1))">x</p>'),
    P("style", "<style>@import 'https://evil.example/xss-probe.css';</style>"),
    P("style", '<p style="behavior:url(xss-probe.htc)">x</p>'),
    # server and client template injection
    P("template", "{{ 7*7 }} {{ request.user.password }}"),
    P("template", "{% debug %}{% load log %}{% get_admin_log 10 as log %}"),
    P("template", "{{settings.SECRET_KEY}}{{csrf_token}}"),
    P("template", "${alert(1)} #{alert(1)} <%= 7*7 %>"),
    P("template", "{{constructor.constructor('alert(1)')()}}"),
    # htmx attributes (htmx is loaded on every page)
    P("htmx", '<div hx-get="/xss-probe" hx-trigger="load">x</div>'),
    P("htmx", '<button hx-on:click="alert(1)" hx-trigger="load">x</button>'),
    P("htmx", '<div data-hx-get="/xss-probe" data-hx-trigger="load">x</div>'),
    P("htmx", '<img src=x hx-get="/xss-probe" hx-trigger="load" hx-swap="outerHTML">'),
    P("htmx", '<div hx-vals=\'js:{a:alert(1)}\' hx-post="/xss-probe" hx-trigger="load">x</div>'),
    P("htmx", '<a hx-boost="true" href="javascript:alert(1)">x</a>'),
    # Chinese text around payloads
    P("chinese", "需求<script>alert('灰度发布')</script>评审"),
    P("chinese", "增长运营\"><img src=x onerror=alert('拉新')>活动"),
    P("chinese", "【紧急】<svg/onload=alert(1)>双十一"),
    P("chinese", "[查看详情](javascript:alert('转化率'))"),
    # @mentions (comments highlight them in the HTML after sanitising)
    P("mention", "@alice<script>alert(1)</script>"),
    P("mention", '@olivia"><img src=x onerror=alert(1)>'),
    P("mention", "[@lena](javascript:alert(1))"),
    P("mention", "`@alice` <img src=x onerror=alert(1)> @olivia"),
    P("mention", "@alice@olivia<svg onload=alert(1)>"),
    P("mention", '[x](https://a.example "t>@olivia <img src=x onerror=alert(1)>")'),
    P("mention", '![@alice](https://a.example/x.png "@olivia\\"><svg onload=alert(1)>")'),
    # next to glossary terms (the glossary filter re-parses the HTML to mark them)
    P("glossary", "DAU<script>alert(1)</script>GMV"),
    P("glossary", "灰度发布<img src=x onerror=alert(1)>埋点"),
    P("glossary", "[ROI](javascript:alert(1)) 留存"),
    P("glossary", '**拉新**"><svg onload=alert(1)>转化率'),
    P("glossary", "`DAU` <b title='GMV\" onmouseover=alert(1)'>GMV</b>"),
)

# Fit a 20-character field; also used first wherever little room is left.
SHORT: tuple[Payload, ...] = (
    P("short", "<script>alert(1)"),
    P("short", "<svg onload=alert()>"),
    P("short", '"><b>{{7*7}}</b>'),
    P("short", "</textarea>x"),
    P("short", "</title><u>x"),
    P("short", "${alert(1)}"),
    P("short", "'\"><i>斜体</i>"),
)

# Links a link field accepts (https://, http:// or /), with markup trying to get out.
URL_PAYLOADS: tuple[Payload, ...] = (
    P("link", 'https://evil.example/"onmouseover="alert(1)'),
    P("link", "https://evil.example/'><script>alert(1)</script>"),
    P("link", '/w/spark/"><svg onload=alert(1)>'),
    P("link", "http://evil.example/?q=<img src=x onerror=alert(1)>"),
    P("link", "https://evil.example/#{{7*7}}</textarea>"),
)

ALL: tuple[Payload, ...] = PAYLOADS + SHORT + URL_PAYLOADS

# Starter glossary terms whose names the seed keeps (the payloads above sit next to them), so
# the glossary marks them; every other term gets payloads for its names.
GLOSSARY_WORDS = ("GMV", "ROI", "DAU/MAU", "灰度发布", "埋点", "拉新", "留存", "转化率")
