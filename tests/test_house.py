"""The house's floors: which modules of `timeline/` may import which (issue 15).

Read from the source with `ast` (nothing imported), so a new import that runs back up
fails here, whoever adds it:

- the pure modules (dates, schedule, charts, the article reader) import no Django and no
  other module of the app than the pure ones;
- models stand on the pure modules only: no chart, row, refresh, view, admin or export code;
- the benchmarks are imported only by their own management commands
  (that no module imports the template tags is in tests/test_labels.py).
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "timeline"
PURE = {"timeline.dates", "timeline.schedule", "timeline.charts", "timeline.articles"}
BENCH_COMMANDS = {"bench", "bench_browser", "seed_synthetic"}


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, name: str = "") -> set[str]:
    """Every module `path` (the module `name`, by default its own) imports, relative imports
    resolved, at any depth of the file (imports inside functions too)."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def sources() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts)


def in_family(name: str, families: set[str]) -> bool:
    return any(name == family or name.startswith(family + ".") for family in families)


def above_the_pure_floor(names: set[str]) -> set[str]:
    return {
        name
        for name in names
        if name.startswith("django") or (name.startswith("timeline.") and not in_family(name, PURE))
    }


@pytest.mark.parametrize("path", [p for p in sources() if in_family(module_name(p), PURE)], ids=module_name)
def test_pure_modules_import_no_django_and_nothing_above_them(path):
    above = above_the_pure_floor(imports(path))
    assert not above, f"{module_name(path)} imports {sorted(above)}"


def test_models_stand_on_the_pure_modules_only():
    allowed = PURE | {"timeline.models"}
    above = {
        name
        for name in imports(APP / "models.py")
        if name.startswith("timeline.") and not in_family(name, allowed) and name != "timeline"
    }
    assert not above, f"timeline.models imports {sorted(above)}"


def test_only_the_benchmark_commands_import_the_benchmarks():
    importers = {
        module_name(path)
        for path in sources()
        if not in_family(module_name(path), {"timeline.bench"})
        and any(in_family(name, {"timeline.bench"}) for name in imports(path))
    }
    assert importers <= {f"timeline.management.commands.{name}" for name in BENCH_COMMANDS}


def test_the_rules_see_an_import_that_runs_back_up(tmp_path):
    """The reader itself: imports in a function and relative ones are resolved and caught."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from .models import Milestone\n    import django.db\n", encoding="utf-8")
    names = imports(probe, "timeline.schedule")
    assert {"timeline.models", "timeline.models.Milestone", "django.db"} <= names
    assert above_the_pure_floor(names) == {"timeline.models", "timeline.models.Milestone", "django.db"}
