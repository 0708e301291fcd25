"""Read the POST forms of a rendered admin page: their address and the fields a browser sends."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    """One POST form: where it posts and the (name, value) pairs a browser would send."""

    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # Every named control, sent or not (an unticked checkbox), with the value it would send.
    controls: list[tuple[str, str]] = field(default_factory=list)

    def data(self) -> dict[str, str]:
        """Return the fields as a dict (the first value of each name)."""
        out: dict[str, str] = {}
        for name, value in self.fields:
            out.setdefault(name, value)
        return out


class _Reader(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.text: tuple[str, list[str]] | None = None
        self.select: tuple[str, list[tuple[str | None, bool]]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.form = Form(a.get("action") or self.page)
            self.forms.append(self.form)
        if tag == "option" and self.select is not None:
            self.select[1].append((a.get("value"), "selected" in a))
        if self.form is None or not a.get("name"):
            return
        if tag == "input":
            self.form.controls.append((a["name"], a.get("value", "on")))
        if tag == "input" and a.get("type") not in ("checkbox", "radio", "submit"):
            self.form.fields.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("type") in ("checkbox", "radio") and "checked" in a:
            self.form.fields.append((a["name"], a.get("value") or "on"))
        elif tag == "textarea":
            self.text = (a["name"], [])
        elif tag == "select":
            self.select = (a["name"], [])

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text[1].append(data)
        elif self.select is not None and self.select[1] and self.select[1][-1][0] is None:
            # <option>3</option> sends its text when it has no value attribute.
            self.select[1][-1] = (data.strip(), self.select[1][-1][1])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.text is not None and self.form is not None:
            self.form.fields.append((self.text[0], "".join(self.text[1])))
            self.form.controls.append(self.form.fields[-1])
            self.text = None
        elif tag == "select" and self.select is not None and self.form is not None:
            name, options = self.select[0], [(v or "", sel) for v, sel in self.select[1]]
            chosen = [v for v, sel in options if sel] or [v for v, _ in options[:1]]
            self.form.fields.extend((name, v) for v in chosen)
            self.form.controls.extend((name, v) for v, _ in options)
            self.select = None


def post_forms(html: str, page: str) -> list[Form]:
    """Return the POST forms of a page, in document order."""
    reader = _Reader(page)
    reader.feed(html)
    reader.close()
    return reader.forms


def own_form(html: str, page: str) -> Form:
    """Return the form of a page that posts to the page itself (its main form)."""
    return next(f for f in post_forms(html, page) if f.action == page)
