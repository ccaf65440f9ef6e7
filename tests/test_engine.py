"""Warm kernels: one kernel per worker, reset between notebooks, failures as papermill's.

Tiny generated notebooks run through :func:`run_assessment` on a copy of ``templates/``; a
notebook reports what its kernel looks like by writing JSON to a probe file.
"""

from __future__ import annotations

import base64
import json
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from papermill.exceptions import PapermillExecutionError

from crmkit.cli import main
from crmkit.data.exceptions import ValidationFailed
from crmkit.pipeline.engine import WarmKernel, read_executed
from crmkit.pipeline.runner import CrmkitKernelManager, run_assessment

pytestmark = pytest.mark.slow

# What a notebook reports about its kernel; {probe} is the JSON file it writes.
_STATE = """
import json, os, sys, warnings
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
state = {{
    "pid": os.getpid(),
    "cwd": os.getcwd(),
    "run_dir": run_dir,
    "leak_defined": "leak" in globals(),
    "max_rows": pd.get_option("display.max_rows"),
    "linewidth": matplotlib.rcParams["lines.linewidth"],
    "rc": {{k: repr(v) for k, v in matplotlib.rcParams.items()}},
    "figures": plt.get_fignums(),
    "filters": [repr(f) for f in warnings.filters],
    "sys_path": list(sys.path),
    "env": os.environ.get("CRMKIT_LEAK"),
}}
with open({probe!r}, "w") as f:
    json.dump(state, f)
"""

# Changes everything a reset must undo.
_SPOIL = """
leak = "from the previous stage"
pd.set_option("display.max_rows", 3)
matplotlib.rcParams["lines.linewidth"] = 9.0
warnings.simplefilter("error")
plt.figure()
sys.path.insert(0, "/nowhere")
os.environ["CRMKIT_LEAK"] = "1"
os.chdir({elsewhere!r})
"""


def _notebook(path: Path, *sources: str) -> None:
    """A stage notebook: a title, the parameters cell, then one code cell per source."""
    params = new_code_cell('client_dir = ""\nrun_dir = ""')
    params.metadata["tags"] = ["parameters"]
    cells = [new_markdown_cell(f"# {path.stem}"), params]
    cells += [new_code_cell(textwrap.dedent(s).strip()) for s in sources]
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {
                "name": "crmkit",
                "display_name": "Python (crmkit)",
                "language": "python",
            },
            "crmkit": {"title": path.stem.split("_", 1)[1].capitalize()},
        },
    )
    nbformat.write(nb, path)


def _probe(tmp_path: Path, name: str) -> Path:
    return tmp_path / f"probe_{name}.json"


def _read_probe(tmp_path: Path, name: str) -> dict:
    return json.loads(_probe(tmp_path, name).read_text())


def _pid_cell(tmp_path: Path, name: str) -> str:
    return f"import json, os\nopen({str(_probe(tmp_path, name))!r}, 'w').write(json.dumps(os.getpid()))"


def _run(
    client: Path, tmp_path: Path, books: Path, *, jobs: int = 1, warm: bool = True, out="reports"
):
    return run_assessment(
        client,
        output_root=tmp_path / out,
        notebooks=books,
        jobs=jobs,
        progress=False,
        warm_kernels=warm,
    )


@pytest.fixture()
def books(tmp_path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    return folder


def test_state_does_not_leak_between_notebooks_on_one_kernel(template_client, tmp_path, books):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _notebook(
        books / "01_spoil.ipynb",
        _STATE.format(probe=str(_probe(tmp_path, "spoil"))),
        _SPOIL.format(elsewhere=str(elsewhere)),
    )
    _notebook(books / "02_probe.ipynb", _STATE.format(probe=str(_probe(tmp_path, "probe"))))
    result = _run(template_client, tmp_path, books)

    assert {s["status"] for s in result.results["stages"].values()} == {"ok"}
    fresh, after = _read_probe(tmp_path, "spoil"), _read_probe(tmp_path, "probe")
    assert after["pid"] == fresh["pid"]  # the same kernel ran both
    assert result.results["run"]["kernels_started"] == 1
    assert not after["leak_defined"]
    assert after["max_rows"] == fresh["max_rows"] == 60  # pandas' default
    assert after["linewidth"] == fresh["linewidth"] == 1.5  # matplotlib's default
    assert after["rc"] == fresh["rc"]
    assert after["filters"] == fresh["filters"]  # simplefilter("error") is gone
    assert after["figures"] == []
    assert after["sys_path"] == fresh["sys_path"]
    assert after["env"] is None
    for state in (fresh, after):  # the working directory is the run folder
        assert Path(state["cwd"]).resolve() == Path(state["run_dir"]).resolve()
        assert Path(state["cwd"]).name.endswith(".partial")
    probe = nbformat.read(result.report_dir / "notebooks" / "02_probe.ipynb", as_version=4)
    assert [c.execution_count for c in probe.cells if c.cell_type == "code"] == [1, 2, 3]


def test_warm_kernels_write_what_papermill_writes(template_client, tmp_path, books):
    _notebook(books / "01_fine.ipynb", "x = len(client_dir)", "print(x)")
    _notebook(books / "02_boom.ipynb", "raise ValueError('the export has no amounts')")
    warm = _run(template_client, tmp_path, books, out="warm")
    fresh = _run(template_client, tmp_path, books, warm=False, out="fresh")

    assert warm.results["run"]["warm_kernels"] and not fresh.results["run"]["warm_kernels"]
    assert fresh.results["run"]["kernels_started"] == 2
    for name in ("fine", "boom"):
        assert warm.results["stages"][name]["status"] == fresh.results["stages"][name]["status"]
        assert warm.results["stages"][name]["message"] == fresh.results["stages"][name]["message"]
    assert (
        warm.results["stages"]["boom"]["message"]
        == "ValueError: the export has no amounts (cell 3)"
    )
    for stem in ("01_fine", "02_boom"):
        a = nbformat.read(warm.report_dir / "notebooks" / f"{stem}.ipynb", as_version=4)
        b = nbformat.read(fresh.report_dir / "notebooks" / f"{stem}.ipynb", as_version=4)
        assert [(c.cell_type, c.metadata.get("tags")) for c in a.cells] == [
            (c.cell_type, c.metadata.get("tags")) for c in b.cells
        ]
        assert [c.get("execution_count") for c in a.cells] == [
            c.get("execution_count") for c in b.cells
        ]
        assert set(a.metadata.papermill) == set(b.metadata.papermill)
        assert a.metadata.papermill.parameters.keys() == {"client_dir", "run_dir"}
        for x, y in zip(a.cells, b.cells, strict=True):
            px, py = x.metadata.get("papermill", {}), y.metadata.get("papermill", {})
            assert set(px) == set(py)
            assert px.get("status") == py.get("status")
            assert [o.output_type for o in x.get("outputs", [])] == [
                o.output_type for o in y.get("outputs", [])
            ]
        injected = [c for c in a.cells if "injected-parameters" in c.metadata.tags]
        assert len(injected) == 1
        assert injected[0].source.startswith("# Parameters\nclient_dir = ")
        before = a.cells[a.cells.index(injected[0]) - 1]
        assert before.metadata.tags == ["parameters"]  # injected right after it
    fine = nbformat.read(warm.report_dir / "notebooks" / "01_fine.ipynb", as_version=4)
    assert fine.cells[-1].outputs[0].text.strip() == str(len(str(template_client.resolve())))


def test_a_failing_stage_leaves_the_kernel_to_the_next_stage(template_client, tmp_path, books):
    _notebook(books / "01_boom.ipynb", _pid_cell(tmp_path, "boom"), "1 / 0", "never = True")
    _notebook(
        books / "02_after.ipynb", _pid_cell(tmp_path, "after"), "import time\ntime.sleep(0.3)"
    )
    result = _run(template_client, tmp_path, books)

    stages = result.results["stages"]
    assert stages["boom"]["status"] == "failed"
    assert stages["boom"]["message"] == "ZeroDivisionError: division by zero (cell 4)"
    assert stages["after"]["status"] == "ok"
    assert _read_probe(tmp_path, "after") == _read_probe(tmp_path, "boom")  # same kernel
    boom = nbformat.read(result.report_dir / "notebooks" / "01_boom.ipynb", as_version=4)
    code = [c for c in boom.cells if c.cell_type == "code"]
    assert code[-1].execution_count is None and code[-1].metadata.papermill.status == "pending"
    assert "ZeroDivisionError" in (result.report_dir / "01_boom.html").read_text(encoding="utf-8")


def test_per_cell_durations_are_recorded(template_client, tmp_path, books):
    _notebook(books / "01_slow.ipynb", "import time\ntime.sleep(0.3)", "y = 2")
    result = _run(template_client, tmp_path, books)

    slow = nbformat.read(result.report_dir / "notebooks" / "01_slow.ipynb", as_version=4)
    for cell in slow.cells:
        meta = cell.metadata.papermill
        assert meta["status"] == "completed"
        if cell.cell_type == "code":
            assert meta["start_time"] and meta["end_time"]
            assert meta["duration"] is not None
    assert slow.cells[3].metadata.papermill.duration >= 0.3
    assert slow.metadata.papermill.duration >= 0.3
    stage = result.results["stages"]["slow"]
    assert stage["seconds"] >= stage["compute_seconds"] >= 0.3


def test_a_dead_kernel_fails_its_stage_and_the_worker_starts_another(
    template_client, tmp_path, books
):
    _notebook(books / "01_dies.ipynb", _pid_cell(tmp_path, "dies"), "os._exit(1)", "never = True")
    _notebook(books / "02_after.ipynb", _pid_cell(tmp_path, "after"))
    result = _run(template_client, tmp_path, books)

    stages = result.results["stages"]
    assert stages["dies"]["status"] == "failed"
    assert stages["dies"]["message"].startswith(
        "DeadKernelError: the kernel died while this cell ran"
    )
    assert stages["dies"]["message"].endswith("(cell 4)")
    assert stages["after"]["status"] == "ok"
    assert _read_probe(tmp_path, "after") != _read_probe(tmp_path, "dies")  # a new kernel
    assert result.results["run"]["kernels_started"] == 2
    page = (result.report_dir / "01_dies.html").read_text(encoding="utf-8")
    assert "the kernel died while this cell ran" in page


def test_each_worker_keeps_one_kernel(template_client, tmp_path, books):
    names = [f"s{i}" for i in range(5)]
    for i, name in enumerate(names, start=1):
        _notebook(
            books / f"{i:02d}_{name}.ipynb",
            _pid_cell(tmp_path, name),
            "import time\ntime.sleep(0.2)",
        )
    result = _run(template_client, tmp_path, books, jobs=2)

    assert {s["status"] for s in result.results["stages"].values()} == {"ok"}
    pids = {_read_probe(tmp_path, name) for name in names}
    assert 1 <= len(pids) <= 2
    assert result.results["run"]["kernels_started"] == len(pids)


def test_a_cell_that_runs_too_long_is_stopped_and_the_kernel_replaced(tmp_path):
    _notebook(tmp_path / "01_slow.ipynb", "import time\ntime.sleep(60)")
    _notebook(tmp_path / "02_next.ipynb", "x = 1")
    params = {"client_dir": "", "run_dir": str(tmp_path)}
    with WarmKernel(CrmkitKernelManager, timeout=2) as kernel:
        with pytest.raises(PapermillExecutionError) as failure:
            kernel.execute_notebook(
                tmp_path / "01_slow.ipynb",
                tmp_path / "out_slow.ipynb",
                parameters=params,
                cwd=tmp_path,
            )
        assert failure.value.ename == "CellTimeoutError"
        assert "ran longer than 2 s" in failure.value.evalue
        kernel.execute_notebook(
            tmp_path / "02_next.ipynb", tmp_path / "out_next.ipynb", parameters=params, cwd=tmp_path
        )
        assert kernel.starts == 2


class _FakeWorkers:
    """Stands in for KernelWorkers: records that it was made and closed."""

    made: list[_FakeWorkers] = []

    def __init__(self, workers: int) -> None:
        self.workers, self.closed = workers, False
        _FakeWorkers.made.append(self)

    def close(self) -> None:
        self.closed = True


def test_cli_fresh_kernels_flag(template_client, monkeypatch):
    seen = []

    def fake_run(client_dir, **kwargs):
        seen.append((kwargs["warm_kernels"], kwargs["workers"]))
        raise ValidationFailed([])

    _FakeWorkers.made = []
    monkeypatch.setattr("crmkit.pipeline.runner.run_assessment", fake_run)
    monkeypatch.setattr("crmkit.pipeline.workers.KernelWorkers", _FakeWorkers)
    CliRunner().invoke(main, ["run", str(template_client), "--jobs", "3"])
    CliRunner().invoke(main, ["run", str(template_client), "--fresh-kernels"])
    assert [warm for warm, _ in seen] == [True, False]
    # warm kernels: the command line started them (three, as asked) and handed them over;
    # the run failed, so they were ended; fresh kernels: none started beforehand
    assert seen[0][1] is _FakeWorkers.made[0] and seen[1][1] is None
    assert len(_FakeWorkers.made) == 1
    assert _FakeWorkers.made[0].workers == 3 and _FakeWorkers.made[0].closed


def test_the_command_line_starts_the_kernels_before_it_imports_the_scientific_stack(
    template_client,
):
    """The kernels import pandas, matplotlib, scipy and statsmodels; the command line's own
    process imports them too. Started first, the kernels import while this process does,
    instead of after it (about 2 s of a run on two cores)."""
    code = (
        "import sys\n"
        "import crmkit.pipeline.workers as workers\n"
        "class Started(Exception): pass\n"
        "def record(self, n):\n"
        "    print('pandas already imported:', 'pandas' in sys.modules, flush=True)\n"
        "    raise Started\n"
        "workers.KernelWorkers.__init__ = record\n"
        "from crmkit.cli import main\n"
        "try:\n"
        f"    main(['run', {str(template_client)!r}], standalone_mode=False)\n"
        "except Started:\n"
        "    pass\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "pandas already imported: False"


def test_a_client_that_fails_validation_leaves_no_kernel_running(tmp_path):
    """The command line starts the kernels before it knows whether the client is valid; a
    client that is not ends them, and the command ends at once."""
    import psutil

    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["run", str(empty), "--output", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "No report was written" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.html"))
    kernels = [
        child
        for child in psutil.Process().children(recursive=True)
        if "ipykernel" in " ".join(child.cmdline())
        and child.is_running()
        and child.status() != psutil.STATUS_ZOMBIE
    ]
    assert kernels == []


def test_the_executed_notebook_is_written_once_when_it_has_run(tmp_path):
    """No rewrite after every cell: while the cells run, the output file does not exist yet;
    afterwards it holds every cell's output and papermill's cell durations."""
    out = tmp_path / "out.ipynb"
    _notebook(
        tmp_path / "01_one.ipynb",
        f"import os\nprint('written during the run:', os.path.exists({str(out)!r}))",
        "print('second cell')",
    )
    with WarmKernel(CrmkitKernelManager) as kernel:
        kernel.execute_notebook(
            tmp_path / "01_one.ipynb", out, parameters={"run_dir": str(tmp_path)}, cwd=tmp_path
        )
    nb = read_executed(out)
    printed = [o["text"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert printed == ["written during the run: False\n", "second cell\n"]
    durations = [c.metadata.papermill["duration"] for c in nb.cells if c.cell_type == "code"]
    assert all(d is not None and d >= 0 for d in durations)
    nbformat.validate(nbformat.read(out, as_version=4))  # a valid notebook, read by anyone


def test_figures_are_shown_as_laid_out_not_cropped_to_a_tight_box(tmp_path):
    """A 2 × 1 inch figure at 100 dpi is shown as 200 × 100 pixels: the kernel's inline backend
    does not crop it to its content (the tight box, which costs a second drawing), also after
    a reset for the next notebook."""
    source = (
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots(figsize=(2, 1), dpi=100)\n"
        "ax.set_axis_off()\n"
        "ax.text(0.5, 0.5, 'x')\n"
        "plt.close(fig)\n"
        "fig"
    )
    _notebook(tmp_path / "01_figure.ipynb", source)
    sizes = []
    with WarmKernel(CrmkitKernelManager, preload=("matplotlib.pyplot",)) as kernel:
        for run in ("a", "b"):
            out = tmp_path / f"out_{run}.ipynb"
            kernel.execute_notebook(
                tmp_path / "01_figure.ipynb", out, parameters={"run_dir": ""}, cwd=tmp_path
            )
            png = next(
                o["data"]["image/png"]
                for c in read_executed(out).cells
                for o in c.get("outputs", [])
                if "image/png" in o.get("data", {})
            )
            header = base64.b64decode(png)[16:24]
            sizes.append(struct.unpack(">II", header))
    assert sizes == [(200, 100), (200, 100)]


def test_the_kernels_do_not_import_the_notebook_format_stack():
    """What a kernel preloads (the run context, the measures, the charts) leaves nbformat and
    its schema validator out: they cost a second of every kernel's start."""
    code = (
        "import sys\n"
        "import crmkit.pipeline.context, crmkit.measure, crmkit.report.plots\n"
        "print(sorted(m for m in ('nbformat', 'jsonschema', 'papermill') if m in sys.modules))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[]"


def test_the_pipeline_skips_the_slow_optional_iri_checker():
    """jsonschema would import rfc3987_syntax (about 2 s) when installed; in a crmkit process
    it does not, and notebooks are still validated."""
    code = (
        "import sys\n"
        "import crmkit.pipeline.runner, nbformat\n"
        "nb = nbformat.read('notebooks/03_sales_performance.ipynb', as_version=4)\n"
        "nbformat.validate(nb)\n"
        "print(sys.modules.get('rfc3987_syntax', 'absent'))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout
    assert shown.strip() in ("None", "absent")
