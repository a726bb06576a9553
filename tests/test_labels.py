"""Date labels live in timeline/labels.py: plain functions that Python code and the template tags share."""

import ast
from pathlib import Path
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

import timeline.labels
from timeline.dates import DateSpan
from timeline.labels import span_label, span_range


def imported_modules(path: Path) -> set[str]:
    """Every module a Python file imports, at its top or inside a function ("." for a relative import's level)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {"." * node.level + (node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    return modules | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}


def test_the_labels_module_imports_no_models_and_no_template_tags():
    modules = imported_modules(Path(timeline.labels.__file__))
    assert not any("models" in m or "templatetags" in m for m in modules), modules


def test_python_code_imports_labels_not_template_tags():
    package = Path(timeline.labels.__file__).parent
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "templatetags" not in path.parts and any("templatetags" in m for m in imported_modules(path))
    ]
    assert offenders == []


def test_the_tags_render_what_the_functions_return():
    half = DateSpan.half(2023, 1)
    start, end = SimpleNamespace(span=DateSpan.year(2020)), SimpleNamespace(span=DateSpan.year(2024))  # schedule picks
    template = Template("{% load timeline %}{% span_label s %}|{% span_range a b %}|{% span_label None %}")
    for language in ("ko", "en"):
        with translation.override(language):
            rendered = template.render(Context({"s": half, "a": start, "b": end}))
            assert rendered == f"{span_label(half)}|{span_range(start, end)}|—"
    with translation.override("ko"):
        assert span_label(half) == "2023년 상반기"
