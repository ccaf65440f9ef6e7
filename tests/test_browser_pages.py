"""Every page of a run, opened in headless chromium: offline, intact, no wider than the page.

One small demo run (module fixture) is opened page by page (index and every stage) at 1280
and at 800 px wide, and in print layout at the width of an A4 page's printable area. Each
page must make no request that leaves the report folder, show every image, and keep its
content inside the page: ``document.scrollWidth`` is at most the window's width, and no
element reaches past the right edge of its page column (``.wrap``) except inside a scroll box
that itself stays inside it. At 1280 px every table fits its box whole (nothing to scroll,
the last column shown); at 800 px a wide table may scroll inside its own box.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crmkit.pipeline.runner import run_assessment
from crmkit.pipeline.stages import notebooks_dir
from crmkit.report import render

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (CI installs it)"
)

#: The printable width of an A4 page in CSS pixels: (210 mm - 2 x 12 mm margins) / 25.4 mm
#: per inch x 96 px per inch = 186 / 25.4 x 96 = 703.0 px (report.css sets the margins).
A4_PRINTABLE_PX = 703

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

#: Elements past the right edge of their page column, not inside a scroll box that fits it;
#: tables whose box would need scrolling to show their last column; broken images; width.
LAYOUT = """() => {
  const outside = [];
  const columns = [...document.querySelectorAll('.wrap')];
  for (const column of columns) {
    const edge = column.getBoundingClientRect().right + 1;
    for (const e of column.querySelectorAll('*')) {
      const box = e.getBoundingClientRect();
      if (box.width === 0 || box.right <= edge) continue;
      let scrolled = false;
      for (let a = e.parentElement; a && a !== column; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= edge) {
          scrolled = true; break;
        }
      }
      if (!scrolled) outside.push(`${e.tagName.toLowerCase()}.${e.className}`.slice(0, 60));
    }
  }
  const cutTables = [...document.querySelectorAll('table')].filter(t => {
    const box = t.parentElement;
    return t.getBoundingClientRect().right > box.getBoundingClientRect().right + 1
      || box.scrollWidth > box.clientWidth + 1;
  }).map(t => (t.querySelector('th') || t).textContent.trim().slice(0, 40));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    columns: columns.length,
    outside: outside.slice(0, 5),
    cutTables,
    images: document.images.length,
    broken: [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
      .map(i => i.alt || i.src.slice(0, 40)),
  };
}"""

#: The content of the @page margin boxes of every print style sheet (the running header).
MARGIN_TEXT = """() => {
  const found = [];
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      const inner = rule.cssRules || [];
      for (const r of inner) {
        for (const page of (r.cssRules || [])) {
          if (page.style && page.style.content) found.push(page.style.content);
        }
        if (r.style && r.style.content) found.push(r.style.content);
      }
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    from crmkit.demo.synth import generate_demo_client

    base = tmp_path_factory.mktemp("browser")
    client = generate_demo_client(base / "demo", scale=0.05)
    return run_assessment(client, output_root=base / "reports", progress=False)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def _open_offline(browser, width: int, folder: Path):
    """A page of ``width`` px that lets through only data: URLs and files of ``folder``."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    allowed = folder.resolve().as_uri() + "/"
    left: list[str] = []

    def route(route):
        url = route.request.url
        if url.startswith("data:") or url.startswith(allowed):
            route.continue_()
        else:
            left.append(url)
            route.abort()

    page.route("**/*", route)
    return page, left


def _pages(run) -> list[Path]:
    pages = sorted(run.report_dir.glob("*.html"))
    stages = sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    assert len(pages) == 1 + len(stages)  # index.html and one page per stage
    return pages


@needs_chromium
@pytest.mark.parametrize("width", [1280, 800])
def test_every_page_is_offline_intact_and_no_wider_than_the_window(demo_run, browser, width):
    page, left = _open_offline(browser, width, demo_run.report_dir)
    problems: dict[str, dict] = {}
    images = 0
    for html in _pages(demo_run):
        page.goto(html.as_uri())
        found = page.evaluate(LAYOUT)
        images += found["images"]
        wrong = {
            "wider than the window": found["scrollWidth"] if found["scrollWidth"] > width else 0,
            "past the page column": found["outside"],
            "broken images": found["broken"],
            "no page column": found["columns"] == 0,
        }
        if width >= 1280:  # wide enough for every table of the report: nothing cut
            wrong["tables cut at the right"] = found["cutTables"]
        wrong = {key: value for key, value in wrong.items() if value}
        if wrong:
            problems[html.name] = wrong
    page.close()
    assert left == []
    assert problems == {}
    assert images >= 20  # the charts were there to be checked (the demo draws dozens)


@needs_chromium
def test_the_impact_overview_shows_its_last_column_at_1280_px(demo_run, browser):
    """The table of all tests: its last column, the change net of the control group, shown."""
    page, _ = _open_offline(browser, 1280, demo_run.report_dir)
    page.goto((demo_run.report_dir / "10_impact_overview.html").as_uri())
    last = page.evaluate("""() => {
      const header = [...document.querySelectorAll('th')].find(
        th => th.textContent.startsWith('Change net of the control group'));
      const table = header.closest('table');
      const column = table.closest('.wrap').getBoundingClientRect();
      const cell = header.getBoundingClientRect();
      return {left: cell.left, right: cell.right, columnRight: column.right,
              boxRight: table.parentElement.getBoundingClientRect().right};
    }""")
    page.close()
    assert last["right"] <= last["boxRight"] + 1
    assert last["right"] <= last["columnRight"] + 1


@needs_chromium
def test_in_print_every_table_fits_the_width_of_an_a4_page(demo_run, browser):
    page, left = _open_offline(browser, A4_PRINTABLE_PX, demo_run.report_dir)
    page.emulate_media(media="print")
    problems = {}
    for html in _pages(demo_run):
        page.goto(html.as_uri())
        found = page.evaluate(LAYOUT)
        hidden = page.evaluate(
            "() => [...document.querySelectorAll('.toc, .nav')]"
            ".filter(e => e.getClientRects().length > 0).length"
        )
        wrong = {
            "wider than the page": found["scrollWidth"] > A4_PRINTABLE_PX,
            "past the page column": found["outside"],
            "tables cut": found["cutTables"],
            "navigation printed": hidden,
        }
        wrong = {key: value for key, value in wrong.items() if value}
        if wrong:
            problems[html.name] = wrong
    page.close()
    assert left == []
    assert problems == {}


@needs_chromium
def test_printed_pages_carry_the_client_and_the_run_id(demo_run, browser):
    page, _ = _open_offline(browser, 1280, demo_run.report_dir)
    client, run_id = demo_run.results["client"], demo_run.results["run_id"]
    headers = {}
    for name in ("index.html", "03_sales_performance.html"):
        page.goto((demo_run.report_dir / name).as_uri())
        headers[name] = page.evaluate(MARGIN_TEXT)
    page.close()
    assert f'"{client} \u00b7 CRM value assessment"' in headers["index.html"]
    assert f'"{client} \u00b7 Sales performance"' in headers["03_sales_performance.html"]
    for found in headers.values():
        assert f'"Run {run_id}"' in found


@needs_chromium
def test_a_hostile_client_name_stays_text_in_the_printed_header(browser, tmp_path):
    client = 'Acme "}</style><script>window.__x=1</script> 华东'
    page_file = tmp_path / "index.html"
    page_file.write_text(
        render.render_index({"client": client, "run_id": "20261206-120000"}), encoding="utf-8"
    )
    page, left = _open_offline(browser, 1280, tmp_path)
    page.goto(page_file.as_uri())
    found = page.evaluate(MARGIN_TEXT)
    ran = page.evaluate("() => [typeof window.__x, document.scripts.length]")
    page.close()
    assert ran == ["undefined", 0]
    assert left == []
    # CSS serialises the string with its quote and backslash escaped
    assert '"Acme \\"}</style><script>window.__x=1</script> 华东 · CRM value assessment"' in found


@needs_chromium
def test_the_checks_catch_a_request_leaving_the_folder_and_a_broken_image(browser, tmp_path):
    """The checks above can fail: an outside image is blocked, recorded and seen broken."""
    (tmp_path / "page.html").write_text(
        '<main class="wrap"><img alt="remote" src="https://example.com/chart.png">'
        '<img alt="sibling" src="../elsewhere.png"><div style="width:3000px">wide</div></main>',
        encoding="utf-8",
    )
    page, left = _open_offline(browser, 800, tmp_path)
    page.goto((tmp_path / "page.html").as_uri())
    found = page.evaluate(LAYOUT)
    page.close()
    # the browser requests the two images in either order
    assert sorted(left) == sorted(
        ["https://example.com/chart.png", (tmp_path.parent / "elsewhere.png").as_uri()]
    )
    assert sorted(found["broken"]) == ["remote", "sibling"]
    assert found["scrollWidth"] > 800
    assert found["outside"] == ["div."]
