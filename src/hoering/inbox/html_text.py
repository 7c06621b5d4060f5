"""The text of an HTML mail as its reader sees it.

What a mail client does not show is not read: elements hidden (in their ``style``, or by a class
or id that a ``<style>`` block hides) by ``display:none``,
``visibility:hidden``, Outlook's ``mso-hide:all``, ``opacity:0``, a zero font size, a zero
height or width with ``overflow:hidden``, the ``hidden`` attribute, text coloured like its
background (``color`` against the nearest ``background``/``bgcolor``, white by default) or fully
transparent, and comments (which the parser drops). An answer hidden in a mail that shows
something else must not be counted.

Quoted parts are kept but marked with ``>`` so that the reply reader treats them like quoted
plain text: ``<blockquote>`` (Apple's ``type=cite``, Thunderbird), Gmail's ``gmail_quote``,
Yahoo's and Thunderbird's markers, and everything after Outlook's reply header
(``divRplyFwdMsg``, ``appendonsend``, and ``messageReplySection`` of Exchange and Outlook on the
web).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "blockquote", "hr", "pre"}
VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "param", "source", "track",
        "wbr"}
SKIP = ("style", "script", "head", "title")
QUOTE_MARKERS = ("gmail_quote", "moz-cite-prefix", "yahoo_quoted")  # the element holds the quote
REST_MARKERS = ("divrplyfwdmsg", "appendonsend", "messagereplysection")  # Outlook: the rest is the original

ZERO = r"0*(?:\.0+)?(?:px|pt|em|rem|ex|%|cm|mm|in)?"
HIDING = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|mso-hide\s*:\s*all"
    rf"|opacity\s*:\s*{ZERO}\s*(?:!important)?\s*(?:;|$)|font-size\s*:\s*{ZERO}\s*(?:!important)?\s*(?:;|$)"
    rf"|font\s*:\s*{ZERO}[\s/])", re.IGNORECASE)
COLLAPSED = re.compile(rf"(?:^|;)\s*(?:max-)?(?:height|width)\s*:\s*{ZERO}\s*(?:!important)?\s*(?:;|$)", re.I)
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
SIMPLE_SELECTOR = re.compile(r"^(?:[a-z0-9]*)([.#])([\w-]+)$", re.IGNORECASE)
NAMED = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "blue": "#0000ff", "green": "#008000",
         "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0", "yellow": "#ffff00", "navy": "#000080"}
COLOUR = re.compile(r"#[0-9a-f]{3,8}\b|rgba?\([^)]*\)|transparent|\b(?:" + "|".join(NAMED) + r")\b", re.I)


def _declarations(style: str) -> dict[str, str]:
    out = {}
    for decl in style.split(";"):
        name, _, value = decl.partition(":")
        if value:
            out[name.strip().lower()] = value.replace("!important", "").strip().lower()
    return out


def colour(value: str | None) -> str | None:
    """A colour as ``#rrggbb``, ``transparent``, or None when none can be read."""
    m = COLOUR.search(value or "")
    if not m:
        return None
    text = m.group(0).lower()
    if text in NAMED:
        return NAMED[text]
    if text.startswith("#"):
        digits = text[1:]
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits[:3]) + ("" if len(digits) == 3 else digits[3] * 2)
        if len(digits) == 8:
            return "transparent" if digits[6:] == "00" else "#" + digits[:6]
        return "#" + digits[:6]
    if text == "transparent":
        return text
    parts = [p.strip() for p in text[text.index("(") + 1:-1].replace("/", ",").split(",")]
    try:
        if len(parts) == 4 and float(parts[3].rstrip("%")) == 0:
            return "transparent"
        return "#" + "".join(f"{max(0, min(255, round(float(p.rstrip('%'))))):02x}" for p in parts[:3])
    except ValueError:
        return None


@dataclass(frozen=True)
class _Element:
    tag: str
    hidden: bool
    colour: str
    background: str


class _Text(HTMLParser):
    """Text of an HTML mail; lines inside quotes start with ``>``; hidden text left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.quoted_from: int | None = None  # tag depth at which a quoted region started
        self.depth = 0
        self.skip = 0
        self.rest_quoted = False
        self.stack: list[_Element] = []
        self.in_style = False
        self.hidden_classes: set[str] = set()  # classes a <style> block hides (".x{display:none}")
        self.hidden_ids: set[str] = set()

    def _visibility(self, tag: str, attrs: list[tuple[str, str | None]]) -> _Element:
        parent = self.stack[-1] if self.stack else _Element("", False, "#000000", "#ffffff")
        values = {k.lower(): (v or "") for k, v in attrs}
        style = values.get("style", "")
        decls = _declarations(style)
        background = colour(decls.get("background-color") or decls.get("background") or values.get("bgcolor")) \
            or parent.background
        own = colour(decls.get("color") or (values.get("color") if tag == "font" else None))
        text_colour = own or parent.colour
        classes = set(values.get("class", "").split())
        hidden = (parent.hidden or "hidden" in values or bool(HIDING.search(style))
                  or bool(classes & self.hidden_classes) or values.get("id", "") in self.hidden_ids
                  or (bool(COLLAPSED.search(style)) and "overflow" in decls and decls["overflow"] == "hidden")
                  or (tag == "font" and values.get("size", "").strip() == "0")
                  or text_colour == "transparent" or text_colour == background)
        return _Element(tag, hidden, text_colour, background)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP:
            self.skip += 1
            self.in_style = self.in_style or tag == "style"
            return
        element = self._visibility(tag, attrs)
        if tag not in VOID:
            self.depth += 1
            self.stack.append(element)
        if element.hidden:
            return
        marks = " ".join(v or "" for k, v in attrs if k in ("class", "id", "type", "name")).lower()
        if any(m in marks for m in REST_MARKERS):
            self.rest_quoted = True
        if self.quoted_from is None and (tag == "blockquote" or any(m in marks for m in QUOTE_MARKERS)):
            self.quoted_from = self.depth
        if tag in BLOCK:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
            self.in_style = self.in_style and tag != "style"
            return
        if tag in VOID:
            return
        if not any(e.tag == tag for e in self.stack):
            return  # a stray end tag
        hidden = self.stack[-1].hidden if self.stack else False
        while self.stack:
            self.depth = max(0, self.depth - 1)
            if self.stack.pop().tag == tag:
                break
        if tag in BLOCK and not hidden:
            self._newline()
        if self.quoted_from is not None and self.depth < self.quoted_from:
            self.quoted_from = None

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self._read_style(data)
        if self.skip or (self.stack and self.stack[-1].hidden):
            return
        text = re.sub(r"\s+", " ", data.replace("\xa0", " "))
        if not text.strip() and not self.lines[-1]:
            return
        if not self.lines[-1] and (self.quoted_from is not None or self.rest_quoted):
            self.lines[-1] = "> "
        self.lines[-1] += text

    def _read_style(self, css: str) -> None:
        for selectors, body in RULE.findall(COMMENT.sub("", css)):
            if not HIDING.search(body.strip()):
                continue
            for selector in selectors.split(","):
                m = SIMPLE_SELECTOR.match(selector.strip())
                if m:
                    (self.hidden_classes if m.group(1) == "." else self.hidden_ids).add(m.group(2))

    def _newline(self) -> None:
        if self.lines[-1].strip(" >"):
            self.lines.append("")
        else:
            self.lines[-1] = ""


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(line.strip() if not line.startswith(">") else line.rstrip() for line in parser.lines).strip()
