"""crmkit batch: discovery, the inputs hash, the summary rows, exit codes, and real batches.

The end-to-end tests run a batch of four small generated clients on two of the real stage
notebooks (sales and financial value) and one stage that fails on one client's data; once
with local worker processes (then again with --skip-unchanged) and once through Dask. The
failure paths: a stage that kills its own worker process (SIGKILL to the kernel's parent)
for one client, and Ctrl-C (SIGINT to the batch's process group) while a stage sleeps.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from stage_notebooks import write_stage_notebook

from crmkit.cli import main
from crmkit.pipeline.batch import BatchResult, ClientOutcome, ClientStatus, discover_clients
from crmkit.pipeline.batch.discovery import latest_successful_run
from crmkit.pipeline.batch.summary import portfolio, summary_row, write_summary
from crmkit.pipeline.inputs import inputs_hash
from crmkit.pipeline.stages import notebooks_dir

HOSTILE = '<script>alert("x")</script> & Co'


# --------------------------------------------------------------------------- discovery, hash


def test_discovery_takes_subfolders_with_params_sorted(tmp_path):
    for name in ("zeta", "alpha", "no_params", ".hidden"):
        (tmp_path / name).mkdir()
    for name in ("zeta", "alpha", ".hidden"):
        (tmp_path / name / "params.yaml").write_text("client: X\n")
    (tmp_path / "file.yaml").write_text("client: X\n")
    assert [p.name for p in discover_clients(tmp_path)] == ["alpha", "zeta"]


def test_discovery_of_an_empty_or_absent_folder_is_one_clear_error(tmp_path):
    with pytest.raises(Exception, match="no client folder found"):
        discover_clients(tmp_path)
    with pytest.raises(Exception, match="no such folder"):
        discover_clients(tmp_path / "absent")


def _client(root: Path, name: str) -> Path:
    folder = root / name
    (folder / "data").mkdir(parents=True)
    (folder / "params.yaml").write_text("client: A\ngo_live_date: 2025-01-01\n")
    (folder / "data" / "orders.csv").write_text("order_id,amount\n1,10\n")
    return folder


def test_hash_changes_with_params_data_and_file_names_only(tmp_path):
    folder = _client(tmp_path, "a")
    first = inputs_hash(folder)
    assert first == inputs_hash(folder)  # the same inputs, the same hash
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", first)
    # the same content in another folder: the hash is of the content, not the location
    assert inputs_hash(shutil.copytree(folder, tmp_path / "b")) == first
    (folder / "data" / ".DS_Store").write_bytes(b"junk")  # hidden files do not count
    assert inputs_hash(folder) == first
    (folder / "data" / "orders.csv").write_text("order_id,amount\n1,11\n")
    assert inputs_hash(folder) != first
    (folder / "data" / "orders.csv").write_text("order_id,amount\n1,10\n")
    assert inputs_hash(folder) == first
    (folder / "data" / "orders.csv").rename(folder / "data" / "orders2.csv")
    assert inputs_hash(folder) != first
    (folder / "data" / "orders2.csv").rename(folder / "data" / "orders.csv")
    (folder / "params.yaml").write_text("client: A\ngo_live_date: 2025-02-01\n")
    assert inputs_hash(folder) != first


def test_hash_follows_the_data_dir_of_params(tmp_path):
    folder = _client(tmp_path, "a")
    (folder / "params.yaml").write_text("client: A\ndata_dir: exports\n")
    (folder / "exports").mkdir()
    before = inputs_hash(folder)
    (folder / "data" / "orders.csv").write_text("changed\n")  # not the data folder any more
    assert inputs_hash(folder) == before
    (folder / "exports" / "orders.csv").write_text("new\n")
    assert inputs_hash(folder) != before


def test_latest_successful_run_passes_over_failed_and_partial_runs(tmp_path):
    def run(name: str, status: str) -> None:
        folder = tmp_path / "acme" / name
        folder.mkdir(parents=True)
        results = {"stages": {"s": {"status": status}}, "report": {"failed_sections": []}}
        (folder / "results.json").write_text(json.dumps(results))

    run("20250101-100000", "ok")
    run("20250101-100000-2", "ok")
    run("20250102-090000", "failed")
    (tmp_path / "acme" / ".20250103-000000.partial").mkdir()
    found, _ = latest_successful_run(tmp_path, "acme")
    assert found.name == "20250101-100000-2"
    assert latest_successful_run(tmp_path, "other") is None


# --------------------------------------------------------------------------- summary rows


def _results(npv, roi, payback, overall, **kpis) -> dict:
    return {
        "client": HOSTILE,
        "run_id": "20250101-120000",
        "params": {"currency": "CNY"},
        "financial": {"npv": npv, "roi": roi, "payback_months": payback},
        "scorecard": {"overall": overall},
        "kpis": kpis,
        "stages": {},
    }


def test_summary_row_reads_the_figures_and_turns_odd_numbers_into_nulls(tmp_path):
    outcome = ClientOutcome(
        "acme", "/c/acme", ClientStatus.OK, seconds=12.5, report_dir=str(tmp_path / "acme/r1")
    )
    results = _results(
        1234.5,
        float("nan"),
        None,
        0.54,
        win_rate={"label": "Win rate", "change_pct": 0.25, "verdict": "improved", "guard": None},
        nps={"label": "NPS", "change_pct": float("inf"), "verdict": "improved", "guard": "g"},
        other_kpi={"label": "Other", "change_pct": 0.5, "verdict": "improved"},
    )
    row = summary_row(outcome, results, tmp_path / "batch-1")
    assert row["name"] == HOSTILE and row["client"] == "acme"
    assert (row["npv"], row["roi"], row["payback_months"], row["scorecard_overall"]) == (
        1234.5,
        None,
        None,
        0.54,
    )
    assert row["currency"] == "CNY" and row["seconds"] == 12.5
    assert list(row["kpis"]) == ["win_rate", "nps"]  # headline KPIs only, in their order
    assert row["kpis"]["win_rate"]["verdict"] == "improved"
    assert row["kpis"]["nps"] == {
        "label": "NPS",
        "unit": None,
        "change": None,
        "change_pct": None,
        "verdict": "not claimed",  # a guard withholds the claim
    }
    assert row["report"] == "../acme/r1/index.html"
    json.dumps(row, allow_nan=False)  # plain JSON, no NaN


def test_summary_row_without_a_report_has_nulls_and_no_link(tmp_path):
    outcome = ClientOutcome(
        "bad", "/c/bad", ClientStatus.FAILED_VALIDATION, message="params.yaml: go_live_date"
    )
    row = summary_row(outcome, None, tmp_path)
    assert row["status"] == "failed_validation" and row["message"] == "params.yaml: go_live_date"
    assert row["report"] is None and row["npv"] is None and row["kpis"] == {}
    assert row["scorecard_overall"] is None


def test_portfolio_counts_roi_and_kpi_effects_by_hand():
    rows = [
        {"roi": 0.5, "kpis": {"win_rate": {"label": "Win rate", "change_pct": 0.1, "verdict": "improved"}}},
        {"roi": -0.25, "kpis": {"win_rate": {"label": "Win rate", "change_pct": 0.3, "verdict": "improved"}}},
        {"roi": 2.0, "kpis": {"win_rate": {"label": "Win rate", "change_pct": None, "verdict": None}}},
        {"roi": None, "kpis": {}},
    ]  # fmt: skip
    view = portfolio(rows)
    assert view["roi"] == {"n": 3, "min": -0.25, "median": 0.5, "max": 2.0,
                           "values": [-0.25, 0.5, 2.0]}  # fmt: skip
    win = view["kpis"]["win_rate"]
    assert (win["n"], win["median"], win["improved"]) == (2, pytest.approx(0.2), 2)


def test_summary_files_escape_hostile_text_and_print_not_available(tmp_path):
    ok = ClientOutcome("acme", "/c/acme", ClientStatus.OK, report_dir=str(tmp_path / "acme/r"))
    bad = ClientOutcome(
        "<b>evil</b>", "/c/evil", ClientStatus.FAILED_STAGE, stage="x", message=HOSTILE
    )
    rows = [
        summary_row(ok, _results(10.0, 0.5, 7.0, None), tmp_path / "b"),
        summary_row(bad, None, tmp_path / "b"),
    ]
    paths = write_summary(tmp_path / "b", rows, {"id": "1", "counts": {}})
    page = paths["html"].read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<b>evil</b>" not in page and "&lt;b&gt;evil&lt;/b&gt;" in page
    assert "not available" in page  # the scorecard of acme, the figures of the failed client
    assert 'href="../acme/r/index.html"' in page
    assert "data:image/png;base64," in page  # the ROI chart
    document = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert document["batch"]["counts"]["ok"] == 1
    assert document["batch"]["counts"]["failed_stage"] == 1
    with paths["csv"].open(encoding="utf-8", newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert lines[0]["roi"] == "0.5" and lines[0]["scorecard_overall"] == ""
    assert lines[1]["client"] == "<b>evil</b>" and lines[1]["report"] == ""


def test_exit_code_is_zero_only_when_every_client_succeeded(tmp_path):
    def result(*statuses, interrupted=False) -> BatchResult:
        outcomes = [ClientOutcome(str(i), "/c", s) for i, s in enumerate(statuses)]
        return BatchResult(tmp_path, outcomes, interrupted)

    assert result(ClientStatus.OK, ClientStatus.SKIPPED_UNCHANGED).exit_code == 0
    assert result(ClientStatus.OK, ClientStatus.FAILED_STAGE).exit_code == 1
    assert result(ClientStatus.FAILED_VALIDATION).exit_code == 1
    assert result(ClientStatus.FAILED).exit_code == 1
    assert result(ClientStatus.OK, interrupted=True).exit_code == 1


def test_dask_without_distributed_is_one_clear_message(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name == "distributed":
            raise ImportError("No module named 'distributed'")
        return real_import(name, *args, **kwargs)

    _client(tmp_path / "clients", "a")
    monkeypatch.setattr(builtins, "__import__", no_distributed)
    result = CliRunner().invoke(
        main,
        ["batch", str(tmp_path / "clients"), "--executor", "dask", "--output", str(tmp_path)],
    )
    assert result.exit_code == 1
    assert "pip install 'crmkit[distributed]'" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- end to end

# A stage that fails on one client's data: an order larger than any sale can be, which
# validation accepts (a positive amount) and this stage's computation refuses.
_CHECK_STAGE = """
import pandas as pd
from pathlib import Path
orders = pd.read_csv(Path(client_dir) / "data" / "orders.csv")
assert orders["amount"].max() < 1e7, "an order exceeds 10,000,000: check the units"
"""


@pytest.fixture(scope="module")
def batch_clients(tmp_path_factory) -> tuple[Path, Path, Path]:
    """Four small clients (one with a bad go-live date, one whose data fail a stage) and the
    stage notebooks: sales performance, financial value, and the failing check; and a folder
    of the check alone."""
    from crmkit.demo.synth import generate_demo_client

    base = tmp_path_factory.mktemp("batch")
    clients = base / "clients"
    template = generate_demo_client(base / "template", scale=0.02)
    for name in ("alpha", "beta", "gamma", "bad_params"):
        shutil.copytree(template, clients / name, ignore=shutil.ignore_patterns("truth.json"))
    params = clients / "bad_params" / "params.yaml"
    params.write_text(
        re.sub(r"go_live_date: .*", "go_live_date: 2025-13-45", params.read_text()),
        encoding="utf-8",
    )
    orders = clients / "gamma" / "data" / "orders.csv"
    lines = orders.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("amount")] = "99999999"
    row[header.index("order_id")] = "HUGE-1"
    lines.append(",".join(row))
    orders.write_text("\n".join(lines) + "\n", encoding="utf-8")
    books = base / "notebooks"
    books.mkdir()
    for stem in ("03_sales_performance", "11_financial_value"):
        shutil.copy(notebooks_dir() / f"{stem}.ipynb", books)
    write_stage_notebook(books / "12_check.ipynb", "Check", _CHECK_STAGE)
    check_only = base / "check_only"
    check_only.mkdir()
    shutil.copy(books / "12_check.ipynb", check_only)
    return clients, books, check_only


def _assert_batch(result: BatchResult, output: Path, *, figures: bool = True) -> dict:
    by_client = {o.client: o for o in result.outcomes}
    assert result.exit_code == 1
    assert {c: o.status for c, o in by_client.items()} == {
        "alpha": ClientStatus.OK,
        "bad_params": ClientStatus.FAILED_VALIDATION,
        "beta": ClientStatus.OK,
        "gamma": ClientStatus.FAILED_STAGE,
    }
    assert "params.yaml" in by_client["bad_params"].message
    assert "dates are written YYYY-MM-DD" in by_client["bad_params"].message
    assert by_client["gamma"].stage == "check"
    assert "an order exceeds 10,000,000" in by_client["gamma"].message
    for name in ("alpha", "beta", "gamma"):  # three complete report folders
        runs = [p for p in (output / name).iterdir()]
        assert [p.name.startswith(".") for p in runs] == [False]
        assert (runs[0] / "index.html").is_file() and (runs[0] / "results.json").is_file()
    assert not (output / "bad_params").exists() or not any((output / "bad_params").iterdir())
    document = json.loads((result.batch_dir / "batch.json").read_text(encoding="utf-8"))
    rows = {r["client"]: r for r in document["clients"]}
    if figures:  # the sales and financial stages ran
        assert rows["alpha"]["npv"] is not None and rows["alpha"]["roi"] is not None
        assert "revenue_monthly" in rows["alpha"]["kpis"]
    assert rows["bad_params"]["report"] is None and rows["alpha"]["report"].endswith("index.html")
    assert (result.batch_dir / rows["alpha"]["report"]).is_file()  # the link opens
    page = (result.batch_dir / "batch.html").read_text(encoding="utf-8")
    assert "failed at validation" in page and "failed in stage check" in page
    with (result.batch_dir / "batch.csv").open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 4
    return rows


@pytest.mark.slow
def test_a_local_batch_isolates_failures_then_skips_the_unchanged(batch_clients, tmp_path):
    from crmkit.pipeline.batch import run_batch

    clients, books, check_only = batch_clients
    output = tmp_path / "reports"
    result = run_batch(clients, output_root=output, jobs=2, progress=False, notebooks=books)
    _assert_batch(result, output)

    second = run_batch(
        clients, output_root=output, jobs=2, progress=False, notebooks=books, skip_unchanged=True
    )
    status = {o.client: o.status for o in second.outcomes}
    assert status["alpha"] == status["beta"] == ClientStatus.SKIPPED_UNCHANGED
    assert status["gamma"] == ClientStatus.FAILED_STAGE  # its last run failed: it runs again
    assert status["bad_params"] == ClientStatus.FAILED_VALIDATION
    assert len(list((output / "alpha").iterdir())) == 1  # no new run
    rows = {
        r["client"]: r for r in json.loads((second.batch_dir / "batch.json").read_text())["clients"]
    }
    assert (
        rows["alpha"]["report"] == f"../alpha/{next((output / 'alpha').iterdir()).name}/index.html"
    )


@pytest.mark.slow
def test_the_command_prints_no_traceback_and_exits_1(batch_clients, tmp_path):
    clients, books, check_only = batch_clients
    only_bad = tmp_path / "clients"
    shutil.copytree(clients / "bad_params", only_bad / "bad_params")
    result = CliRunner().invoke(
        main, ["batch", str(only_bad), "--output", str(tmp_path / "out"), "--jobs", "1"]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "1 client: 1 failed at validation" in result.output
    assert result.output.strip().endswith("batch.html")


@pytest.mark.slow
def test_a_dask_batch_behaves_as_the_local_one(batch_clients, tmp_path):
    distributed = pytest.importorskip("distributed")
    from crmkit.pipeline.batch import run_batch

    clients, books, check_only = batch_clients
    output = tmp_path / "reports"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run_batch(
            clients,
            output_root=output,
            progress=False,
            notebooks=check_only,
            scheduler=cluster.scheduler_address,
        )
    _assert_batch(result, output, figures=False)


# --------------------------------------------------------------------------- plain papermill


def _index_reachable() -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=5):
            return True
    except OSError:
        return False


@pytest.mark.slow
def test_a_plain_pip_install_runs_a_notebook_through_the_papermill_command(tmp_path):
    """pip install PROJECT (not editable) into a fresh venv; its papermill runs stage 03."""
    import subprocess
    import sys

    from crmkit.demo.synth import generate_demo_client

    if not _index_reachable():
        pytest.skip("the package index (pypi.org) cannot be reached: nothing can be installed")
    root = Path(__file__).resolve().parents[1]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(root)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    client = generate_demo_client(tmp_path / "client", scale=0.02)
    executed = tmp_path / "out.ipynb"
    run = subprocess.run(
        [
            str(venv / "bin" / "papermill"),
            str(root / "notebooks" / "03_sales_performance.ipynb"),
            str(executed),
            "-p",
            "client_dir",
            str(client),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the project: crmkit must come from the installed package
        env={"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "NoSuchKernel" not in run.stderr
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


# --------------------------------------------------------------------------- failure paths

# A stage that ends its own worker process, for one client only: the kernel's parent is the
# batch's worker process that runs the client, and SIGKILL leaves it no chance to clean up.
_CRASH_STAGE = """
import os
import signal
from pathlib import Path
if Path(client_dir).name == "crash":
    os.kill(os.getppid(), signal.SIGKILL)
"""

# A stage that takes minutes for one client only: the batch is interrupted while it runs.
_SLOW_STAGE = """
import time
from pathlib import Path
if Path(client_dir).name == "slow":
    time.sleep(300)
"""


def _books_with(base: Path, check_only: Path, name: str, source: str) -> Path:
    """The check stage of ``check_only`` and one more stage named ``name`` running ``source``."""
    books = base / f"notebooks_{name}"
    shutil.copytree(check_only, books)
    write_stage_notebook(books / f"13_{name}.ipynb", name.capitalize(), source)
    return books


def _copy_clients(clients: Path, base: Path, names: dict[str, str]) -> Path:
    """A clients folder holding copies of the fixture's clients: {new name: fixture client}."""
    folder = base / "clients"
    for new, old in names.items():
        shutil.copytree(clients / old, folder / new)
    return folder


def _assert_complete(report: Path, stages: list[str]) -> None:
    """A finished report: its results, index, log and one page per stage, each listed."""
    results = json.loads((report / "results.json").read_text(encoding="utf-8"))
    assert sorted(results["stages"]) == sorted(stages)
    for entry in results["stages"].values():
        assert entry["status"] == "ok" and (report / entry["html"]).is_file()
    assert (report / "index.html").is_file() and (report / "run.log").is_file()


def _partial_folders(output: Path) -> list[Path]:
    return [p for p in output.rglob("*.partial")]


@pytest.mark.slow
def test_a_worker_that_dies_mid_client_fails_that_client_only(batch_clients, tmp_path):
    from crmkit.pipeline.batch import run_batch

    clients, _, check_only = batch_clients
    books = _books_with(tmp_path, check_only, "crash", _CRASH_STAGE)
    folder = _copy_clients(clients, tmp_path, {"alpha": "alpha", "beta": "beta", "crash": "alpha"})
    output = tmp_path / "reports"
    result = run_batch(folder, output_root=output, jobs=2, progress=False, notebooks=books)

    status = {o.client: o.status for o in result.outcomes}
    assert status == {
        "alpha": ClientStatus.OK,
        "beta": ClientStatus.OK,
        "crash": ClientStatus.FAILED,
    }
    crash = next(o for o in result.outcomes if o.client == "crash")
    # SIGKILL: the worker's exit code is -9, and the message says the others went on
    assert crash.message == (
        "its worker process stopped unexpectedly (signal 9); the other clients were not affected"
    )
    assert crash.report_dir is None and result.exit_code == 1
    for name in ("alpha", "beta"):  # one complete report each, even if its worker was stopped
        (report,) = (output / name).iterdir()
        _assert_complete(report, ["check", "crash"])
    assert not (output / "crash").exists() or not any((output / "crash").iterdir())
    assert _partial_folders(output) == []
    document = json.loads((result.batch_dir / "batch.json").read_text(encoding="utf-8"))
    rows = {r["client"]: r for r in document["clients"]}
    assert rows["crash"]["status"] == "failed" and rows["crash"]["report"] is None
    assert rows["alpha"]["status"] == rows["beta"]["status"] == "ok"
    assert document["batch"]["interrupted"] is False
    assert document["batch"]["counts"]["ok"] == 2 and document["batch"]["counts"]["failed"] == 1


def _group_alive(pgid: int) -> bool:
    """Whether any process of the process group ``pgid`` is still running."""
    import os

    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_ctrl_c_keeps_finished_reports_and_leaves_no_half_written_folder(batch_clients, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    clients, _, check_only = batch_clients
    books = _books_with(tmp_path, check_only, "pause", _SLOW_STAGE)
    folder = _copy_clients(clients, tmp_path, {"alpha": "alpha", "slow": "beta"})
    output = tmp_path / "reports"
    root = Path(__file__).resolve().parents[1]
    # The batch command's own call, with this test's stages (the command has no option for
    # them), in a process of its own that receives Ctrl-C as a terminal would send it. On
    # SIGUSR1 it prints every thread's stack, should it not stop.
    script = (
        "import faulthandler, signal, sys\n"
        "faulthandler.register(signal.SIGUSR1, all_threads=True)\n"
        "from crmkit.pipeline.batch import run_batch\n"
        "result = run_batch(sys.argv[1], output_root=sys.argv[2], jobs=2, progress=False,\n"
        "                   notebooks=sys.argv[3])\n"
        "print(result.summary_html)\n"
        "sys.exit(result.exit_code)\n"
    )
    printed = tmp_path / "printed.txt"  # a file, not a pipe: nothing can hold it open
    with printed.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", script, str(folder), str(output), str(books)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(root)},
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
    try:
        deadline = time.monotonic() + 240
        # alpha has finished (its progress line is printed when the batch has its record)
        # and slow is inside its run (its unfinished folder exists): press Ctrl-C.
        while not (
            "alpha: ok" in printed.read_text() and list((output / "slow").glob(".*.partial"))
        ):
            assert time.monotonic() < deadline, printed.read_text()
            assert process.poll() is None, printed.read_text()
            time.sleep(0.2)
        time.sleep(1.0)  # well inside the slow stage's sleep
        pressed = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches every process of the group
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGUSR1)
            time.sleep(2)
            raise AssertionError("the batch did not stop:\n" + printed.read_text()) from None
        stopped_in = time.monotonic() - pressed
        while _group_alive(process.pid) and time.monotonic() < pressed + 60:
            time.sleep(0.2)
        # every worker process and kernel ended with the batch
        leftover = _group_alive(process.pid)
    finally:
        if _group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        if process.poll() is None:
            process.wait()
    text = printed.read_text()

    assert process.returncode == 1, text
    assert "Traceback" not in text
    assert stopped_in < 30, text  # the slow stage's 300 s sleep was not waited for
    assert not leftover
    (report,) = (output / "alpha").iterdir()
    _assert_complete(report, ["check", "pause"])
    assert not (output / "slow").exists() or not any((output / "slow").iterdir())
    assert _partial_folders(output) == []
    (batch_dir,) = output.glob("batch-*")
    assert text.strip().endswith("batch.html")
    document = json.loads((batch_dir / "batch.json").read_text(encoding="utf-8"))
    rows = {r["client"]: r for r in document["clients"]}
    assert rows["alpha"]["status"] == "ok" and rows["alpha"]["report"].endswith("index.html")
    assert rows["slow"]["status"] == "interrupted" and rows["slow"]["report"] is None
    assert document["batch"]["interrupted"] is True
    assert (batch_dir / "batch.html").is_file() and (batch_dir / "batch.csv").is_file()


# --------------------------------------------------------------------------- --pdf

#: A stand-in chromium that writes a tiny PDF where it is told to print.
_PDF_WRITER = """#!/bin/sh
for arg in "$@"; do
  case "$arg" in --print-to-pdf=*) printf '%%PDF-1.4 stand-in' > "${arg#--print-to-pdf=}";; esac
done
"""


def test_batch_pdf_lines_name_a_missing_chromium_once(capsys):
    from crmkit.cli import _echo_batch_pdf

    outcomes = [
        ClientOutcome("a", "/c/a", ClientStatus.OK, pdf="no browser"),
        ClientOutcome("b", "/c/b", ClientStatus.OK, pdf="no browser"),
        ClientOutcome("bad", "/c/bad", ClientStatus.FAILED_VALIDATION),
    ]
    _echo_batch_pdf(outcomes)
    err = capsys.readouterr().err
    assert err.count("No PDF written: no headless chromium found") == 1
    assert "the HTML reports are complete" in err


def test_batch_pdf_lines_count_reports_and_name_the_partly_printed(capsys):
    from crmkit.cli import _echo_batch_pdf

    outcomes = [
        ClientOutcome("a", "/c/a", ClientStatus.OK, pdf="written", pdf_pages=15),
        ClientOutcome("b", "/c/b", ClientStatus.OK, pdf="partly written", pdf_pages=14),
        ClientOutcome("bad", "/c/bad", ClientStatus.FAILED_VALIDATION),
    ]
    _echo_batch_pdf(outcomes)
    captured = capsys.readouterr()
    assert captured.err == "  b: PDF partly written\n"
    assert captured.out == (
        "PDF: every page printed for 1 of 2 new reports (29 PDFs beside the HTML pages).\n"
    )


@pytest.mark.slow
def test_batch_pdf_prints_every_page_of_each_new_report(batch_clients, tmp_path, monkeypatch):
    import os

    from crmkit.pipeline.batch import run_batch

    clients, _, check_only = batch_clients
    chosen = tmp_path / "clients"
    for name in ("alpha", "bad_params"):
        shutil.copytree(clients / name, chosen / name)
    browser = tmp_path / "bin" / "chromium"
    browser.parent.mkdir()
    browser.write_text(_PDF_WRITER, encoding="utf-8")
    browser.chmod(0o755)
    monkeypatch.setenv("PATH", f"{browser.parent}{os.pathsep}{os.environ['PATH']}")
    output = tmp_path / "reports"
    result = run_batch(chosen, output_root=output, jobs=1, progress=False, notebooks=check_only,
                       pdf=True)  # fmt: skip
    by_client = {o.client: o for o in result.outcomes}
    report = Path(by_client["alpha"].report_dir)
    pages = sorted(p.stem for p in report.glob("*.html"))
    assert sorted(p.stem for p in report.glob("*.pdf")) == pages and "index" in pages
    assert (by_client["alpha"].pdf, by_client["alpha"].pdf_pages) == ("written", len(pages))
    assert by_client["bad_params"].pdf is None  # no report, nothing to print
    rows = {r["client"]: r for r in json.loads((result.batch_dir / "batch.json").read_text())[
        "clients"]}  # fmt: skip
    assert rows["alpha"]["pdf"] == "written" and rows["alpha"]["pdf_pages"] == len(pages)
