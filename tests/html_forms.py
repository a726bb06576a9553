"""Read an HTML form from a page as a browser would submit it, so tests POST what the page really holds."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.forms: list[list[tuple[str, str]]] = []
        self._in_form = False
        self._select: str | None = None
        self._select_multiple = False
        self._select_options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if self.form_id is None or a.get("id") == self.form_id:
                self._in_form = True
                self.forms.append([])
            return
        if not self._in_form:
            return
        fields = self.forms[-1]
        if tag == "input":
            name, kind = a.get("name"), (a.get("type") or "text").lower()
            if not name or kind in {"submit", "button", "image", "reset", "file"} or "disabled" in a:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields.append((name, a.get("value", "on")))
                return
            fields.append((name, a.get("value", "")))
        elif tag == "select" and a.get("name") and "disabled" not in a:
            self._select, self._select_multiple, self._select_options = a["name"], "multiple" in a, []
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a}
            self._text = []
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_data(self, data):
        if self._textarea is not None or self._option is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "option" and self._option is not None:
            value = self._option["value"]
            self._select_options.append(
                (value if value is not None else "".join(self._text).strip(), self._option["selected"])
            )
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._select_options if selected]
            if not chosen and not self._select_multiple and self._select_options:
                chosen = [self._select_options[0][0]]
            self.forms[-1].extend((self._select, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.forms[-1].append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_data(html: bytes | str, form_id: str | None = None) -> dict[str, str | list[str]]:
    """The fields of the page's form (the first one, or the one with `form_id`) as the test client's POST data."""
    parser = _FormParser(form_id)
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    if not parser.forms:
        raise AssertionError(f"no form {form_id or ''} on the page")
    data: dict[str, str | list[str]] = {}
    for name, value in parser.forms[0]:
        if name in data:
            previous = data[name]
            data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[name] = value
    return data


def row_of(form, claim) -> str:
    """The prefix of `claim`'s row in the review screen's formset, e.g. "review-3".

    `form` is a webtest form or the dict of `form_data`; the row is found by its hidden ``-pk`` field.
    """
    fields = form.fields.items() if hasattr(form, "fields") else ((k, [v]) for k, v in form.items())
    names = [
        name
        for name, values in fields
        if name and name.endswith("-pk") and str(getattr(values[0], "value", values[0])) == str(claim.pk)
    ]
    assert len(names) == 1, names
    return names[0].removesuffix("-pk")
