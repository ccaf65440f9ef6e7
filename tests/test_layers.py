"""Imports inside crmkit run one way: no cycle, and never up the layer order.

Every crmkit module's imports are read with :mod:`ast`, at module level and inside functions
(a function-level import is a dependency all the same), including ``TYPE_CHECKING`` blocks.
The layers follow DESIGN.md §2, from the bottom up: data, statistics, the KPI catalog, the
domains, the measure layer that joins KPIs to their domains, synthesis (scorecard, actions,
history), words, report, pipeline, CLI.
A module may import its own layer (the cycle test guards those) and the layers below it;
an import against that order fails, with no exception list.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest

import crmkit

PACKAGE = Path(crmkit.__file__).resolve().parent

DATA, STATS, KPIS, DOMAINS, MEASURE, SYNTHESIS, WORDS, REPORT, PIPELINE, CLI = range(10)
LAYER_NAMES = (
    "data",
    "stats",
    "kpis",
    "domains",
    "measure",
    "synthesis",
    "words",
    "report",
    "pipeline",
    "cli",
)

#: Each layer package (or top-level module) of crmkit and its layer, from the bottom up.
#: A module inside a package belongs to its package's layer. A new top-level name must be
#: placed here.
LAYERS: dict[str, int] = {
    "version": DATA,  # the version string, imported by the metadata, results.json and the CLI
    "data": DATA,  # parameters, schemas, reading, dates, validation, quality, typed statuses
    "demo": DATA,  # generated clients: they write tables in the data layer's schemas, no more
    "stats": STATS,  # before/after tests, time series, difference-in-differences, primitives
    "kpis": KPIS,  # the KPI catalog: definitions and observations per window, no domain module
    "domains": DOMAINS,  # what each stage measures: customers, clv, survey, finance, ...
    "measure": MEASURE,  # every KPI before/after: joins the catalog to the domains
    "synthesis": SYNTHESIS,  # scorecard, benchmarks, actions, history: judging the measured KPIs
    "words": WORDS,  # every sentence a report prints, and how numbers are written
    "report": REPORT,  # charts and HTML rendering
    "pipeline": PIPELINE,  # stages, execution, run context, results.json, client folders
    "cli": CLI,  # the command line
    "__init__": CLI,  # the public API: re-exports names from every layer, lazily
}


def layer_of(module: str) -> int:
    """The layer of a crmkit module, from its top-level package.

    Examples
    --------
    >>> LAYER_NAMES[layer_of("domains.customers")], LAYER_NAMES[layer_of("cli")]
    ('domains', 'cli')
    """
    return LAYERS[module.split(".")[0]]


def module_names(package: Path = PACKAGE) -> set[str]:
    """The package's modules as dotted names below ``crmkit`` ("__init__" for the package).

    Examples
    --------
    >>> {"__init__", "kpis", "measure"} <= module_names()
    True
    """
    names = set()
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]  # a sub-package's __init__ is the sub-package itself
        names.add(".".join(parts))
    return names


def _resolve(dotted: str, modules: set[str]) -> str:
    """The crmkit module a dotted name below crmkit refers to (its longest module prefix)."""
    parts = dotted.split(".") if dotted else []
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return "__init__"


def crmkit_imports(
    source: str, module: str, modules: set[str], *, is_package: bool = False
) -> set[str]:
    """The crmkit modules that ``source`` (the text of crmkit module ``module``) imports.

    Counts ``import crmkit.x``, ``from crmkit import x`` (the module x, or the package's
    ``__init__`` when x is a name defined there), ``from crmkit.x import y``, and relative
    imports, wherever they stand: at module level, in functions, under ``TYPE_CHECKING``.
    ``is_package``: ``source`` is a sub-package's ``__init__.py`` (relative imports start
    in the sub-package itself).

    Examples
    --------
    >>> text = "import numpy\\nfrom crmkit import io, __version__\\n"
    >>> text += "def f():\\n    from crmkit.kpis import get_kpi\\n    import crmkit.data.guards\\n"
    >>> sorted(crmkit_imports(text, "cli", {"__init__", "io", "kpis", "data.guards", "cli"}))
    ['__init__', 'data.guards', 'io', 'kpis']
    """
    # the package the module's relative imports start from, below crmkit
    if module == "__init__":
        package = []
    else:
        package = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "crmkit" or alias.name.startswith("crmkit."):
                    found.add(_resolve(alias.name.removeprefix("crmkit").lstrip("."), modules))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                below = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module == "crmkit" or (node.module or "").startswith("crmkit."):
                below = node.module.removeprefix("crmkit").lstrip(".")
            else:
                continue
            for alias in node.names:
                name = f"{below}.{alias.name}" if below else alias.name
                found.add(name if name in modules else _resolve(below, modules))
    found.discard(module)
    return found


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each crmkit module and the crmkit modules it imports."""
    modules = module_names(package)
    graph = {}
    for name in modules:
        parts = name.split(".")
        path = package.joinpath(*parts).with_suffix(".py")
        is_package = name != "__init__" and not path.exists()
        if is_package:
            path = package.joinpath(*parts, "__init__.py")
        text = path.read_text(encoding="utf-8")
        graph[name] = crmkit_imports(text, name, modules, is_package=is_package)
    return graph


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Every import cycle, one per strongly connected group, as a closed path of modules.

    Tarjan's strongly connected components; a group of two or more modules (or a module that
    imports itself) holds a cycle, shown as a path through the group back to its start.

    Examples
    --------
    >>> find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    [['a', 'b', 'c', 'a']]
    >>> find_cycles({"a": {"b"}, "b": set()})
    []
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_path(graph, group) for group in groups]


def _cycle_path(graph: Mapping[str, Iterable[str]], group: set[str]) -> list[str]:
    """The shortest closed path inside ``group`` (strongly connected) from its first member."""
    start = min(group)
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:  # breadth first, so the path shown is a shortest one
        for target in sorted(t for t in graph.get(node, ()) if t in group):
            if target == start:
                path = [node]
                while (back := previous[path[-1]]) is not None:
                    path.append(back)
                return [*reversed(path), start]
            if target not in previous:
                previous[target] = node
                queue.append(target)
    raise ValueError(f"not a strongly connected group: {sorted(group)}")


def upward_imports(
    graph: Mapping[str, Iterable[str]], layer: Callable[[str], int] = layer_of
) -> set[tuple[str, str]]:
    """The imports (importer, imported) from a lower layer to a higher one."""
    return {
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if layer(target) > layer(module)
    }


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_every_module_has_a_layer(graph):
    tops = {module.split(".")[0] for module in graph}
    unplaced = sorted(tops - set(LAYERS))
    assert not unplaced, f"place these in LAYERS of tests/test_layers.py: {unplaced}"
    gone = sorted(set(LAYERS) - tops - {"synthesis"})  # synthesis: the home of stages 12 on
    assert not gone, f"LAYERS names packages that no longer exist: {gone}"


def test_no_import_cycle_inside_crmkit(graph):
    cycles = find_cycles(graph)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_imports_run_down_the_layers(graph):
    upward = sorted(upward_imports(graph))
    assert not upward, "imports against the layer order: " + "; ".join(
        f"{a} ({LAYER_NAMES[layer_of(a)]}) imports {b} ({LAYER_NAMES[layer_of(b)]})"
        for a, b in upward
    )


def test_the_kpi_catalog_imports_no_domain_module(graph):
    catalog = {module: targets for module, targets in graph.items() if layer_of(module) == KPIS}
    for module, targets in catalog.items():
        assert all(layer_of(t) < KPIS or layer_of(t) == KPIS for t in targets), (module, targets)


def test_the_reader_sees_function_level_and_relative_imports():
    source = (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from crmkit.stats.tests import welch\n"
        "from . import means\n"
        "from ..kpis import get_kpi\n"
        "class A:\n"
        "    def f(self):\n"
        "        import crmkit.io as io\n"
        "        from crmkit import phrases\n"
    )
    modules = {"__init__", "stats", "stats.tests", "stats.means", "kpis", "io", "phrases"}
    assert crmkit_imports(source, "stats.means", modules) == {
        "stats.tests",
        "kpis",
        "io",
        "phrases",
    }  # "from . import means" is the module itself
    assert crmkit_imports("from crmkit import __version__", "cli", modules) == {"__init__"}
    # in a sub-package's __init__, "." is the sub-package itself
    package_init = "from .tests import welch\nfrom . import means\n"
    assert crmkit_imports(package_init, "stats", modules, is_package=True) == {
        "stats.tests",
        "stats.means",
    }


def test_a_cycle_and_an_upward_import_are_found_in_a_made_up_graph():
    made_up = {"io": {"kpis"}, "kpis": {"customers"}, "customers": {"kpis"}, "cli": {"io"}}
    assert find_cycles(made_up) == [["customers", "kpis", "customers"]]
    layers = {"io": DATA, "kpis": KPIS, "customers": DOMAINS, "cli": CLI}
    assert upward_imports(made_up, layers.__getitem__) == {("io", "kpis"), ("kpis", "customers")}
    assert find_cycles({"a": {"a"}}) == [["a", "a"]]


# --- the public API and the notebooks' imports ----------------------------------------------

NOTEBOOKS = sorted((PACKAGE.parent / "notebooks").glob("*.ipynb"))


def notebook_imports(path: Path) -> list[tuple[str, str]]:
    """Each (module, name) a notebook's code cells import from crmkit ("" for ``import m``)."""
    import json

    found = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines = source.splitlines()
        code = "\n".join(s for s in lines if not s.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "crmkit":
                found += [(node.module, alias.name) for alias in node.names]
            elif isinstance(node, ast.Import):
                found += [(a.name, "") for a in node.names if a.name.split(".")[0] == "crmkit"]
    return found


def test_the_public_api_resolves_every_name():
    assert set(crmkit.__all__) >= {"load_params", "validate_client", "run_assessment"}
    for name in crmkit.__all__:
        assert getattr(crmkit, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        crmkit.no_such_name  # noqa: B018


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_import_only_the_public_api_and_the_layer_packages(path):
    modules = module_names()
    imports = notebook_imports(path)
    assert imports, f"{path.name} imports nothing from crmkit"
    for module, name in imports:
        below = module.removeprefix("crmkit").lstrip(".")
        parts = [*below.split("."), *([name] if name else [])] if below else [name]
        assert not any(part.startswith("_") for part in parts), f"{path.name}: {module}.{name}"
        if not below:
            in_api = name in crmkit.__all__ or name in LAYERS
            assert in_api, f"{path.name}: {name} is neither in crmkit.__all__ nor a layer package"
        else:
            assert below in modules, f"{path.name} imports {module}, which is not a crmkit module"
