"""The built website in a real browser: every page, as a learner's browser shows it.

`make test` builds the site (tests/test_site.py), then runs these tests: they serve the build
on localhost with a threaded http.server and drive headless Chromium (Debian's `chromium`,
through Python playwright) over EVERY html page. Requests to any other host are blocked and
reported, so the site is checked as it works offline. For each page the crawl records console
errors, failed requests, links and anchors, images, MathJax output, notebook outputs, launch
links and an axe-core accessibility scan (axe-core comes from the npm registry: `make test`
runs `npm ci` in tests/browser/). Each test checks one kind of record, so a failure names the
page and the promise it broke. Dark mode is checked on the screenshot pages (the landing page
and the first notebook page that plots). Screenshots (light and dark), report.json and
summary.txt go to `<test site>/_build/browser/`.

Without a built site (plain `pytest`) these tests skip. Without Chromium, playwright or
axe-core they skip with the reason, except on CI (CI=true), where that is a failure.
"""

import asyncio
import functools
import http.server
import json
import os
import re
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
import yaml

from rnncourse import cli

pytestmark = pytest.mark.site
REPO = Path(__file__).resolve().parents[1]
ON_CI = os.environ.get("CI", "").lower() == "true"
AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}
VIEWPORT = {"width": 1280, "height": 900}
SEARCH_WORD = "recurrent"  # the search page must find pages with this word
TIMEOUT_MS = 60_000  # per page action; a page normally takes a few seconds
WORKERS = 2  # pages checked at the same time (CI has 2 cores)

# Serious or critical axe-core violations that we accept, each with its reason:
# (rule id, part of the element's CSS selector or HTML) -> reason. Our own content has none;
# both come from the theme's header (pydata-sphinx-theme 0.17.1 under sphinx-book-theme 1.3).
A11Y_ALLOWED: dict[tuple[str, str], str] = {
    ("label-content-name-mismatch", "search-button__button"):
        "the search button's aria-label 'Search' leaves out its visible keyboard hint"
        " 'Ctrl + K'; the name still starts with the visible word, so voice control works",
    ("label-content-name-mismatch", "theme-switch-button"):
        "the colour-mode button, named 'Color mode', shows one icon whose SVG title is"
        " 'Light', 'Dark' or 'System Settings'; axe counts that title as visible text",
}

# Runs in the page once it has loaded: everything the tests look at, in one round trip.
COLLECT_JS = """async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.complete ? null :
    new Promise(done => { img.onload = img.onerror = done; setTimeout(done, 10000); })));
  const mathCount = document.querySelectorAll("span.math, div.math").length;
  if (mathCount && window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await Promise.race([MathJax.startup.promise, new Promise(done => setTimeout(done, 30000))]);
  }
  const caption = img => {
    const figure = img.closest("figure");
    const text = figure && figure.querySelector("figcaption");
    return text ? text.textContent.trim() : null;
  };
  return {
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    ids: [...document.querySelectorAll("[id]")].map(e => e.id)
      .concat([...document.querySelectorAll("a[name]")].map(a => a.name)),
    images: images.map(img => ({src: img.currentSrc || img.src, width: img.naturalWidth,
      alt: img.getAttribute("alt"), output: !!img.closest(".cell_output"),
      caption: caption(img)})),
    math: mathCount,
    mathjax: document.querySelectorAll("mjx-container").length,
    math_errors: document.querySelectorAll("mjx-merror").length,
    outputs: document.querySelectorAll(".cell_output").length,
    launch: [...document.querySelectorAll(".dropdown-launch-buttons a[href]")].map(a => a.href),
    downloads: [...document.querySelectorAll(".dropdown-download-buttons a[href]")]
      .map(a => a.href),
    theme: document.documentElement.dataset.theme || "",
  };
}"""
AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => `${n.target.join(" ")} ${n.html.slice(0, 200)}`)}));
}"""


@dataclass
class PageReport:
    """What the browser saw on one page in one colour mode."""

    path: str
    mode: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    seen: dict = field(default_factory=dict)  # the result of COLLECT_JS
    seconds: float = 0.0


def unavailable(reason: str):
    """Skip on a contributor's machine; on CI a missing prerequisite is a failure."""
    if ON_CI:
        pytest.fail(f"{reason} (CI=true: the browser test must run on CI)")
    pytest.skip(reason)


def site_pages(html_dir: Path) -> list[str]:
    """Every html page of the build (paths relative to html_dir), theme templates excluded."""
    pages = [page.relative_to(html_dir).as_posix() for page in html_dir.rglob("*.html")]
    return sorted(page for page in pages if not page.startswith("_"))


def book_config(name: str) -> dict:
    """_toc.yml or _config.yml of the book (the site is built from the same two files)."""
    return yaml.safe_load((REPO / name).read_text())


def toc_entries() -> list[str]:
    toc = book_config("_toc.yml")
    return [toc["root"]] + [ch["file"] for part in toc["parts"] for ch in part["chapters"]]


def notebook_pages(html_dir: Path) -> list[str]:
    """Pages built from a notebook of the repository: notebooks/NAME.html for NAME.ipynb."""
    return [page for page in site_pages(html_dir)
            if page.startswith("notebooks/") and (REPO / page).with_suffix(".ipynb").exists()]


def notebook_plots(page: str) -> bool:
    """Does the page's notebook call matplotlib (`plt.something(...)`) in a code cell?"""
    notebook = json.loads((REPO / page).with_suffix(".ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(cell["source"]) for cell in notebook["cells"]
                     if cell["cell_type"] == "code")
    return re.search(r"\bplt\.\w+\(", code) is not None


def screenshot_pages(html_dir: Path) -> dict[str, str]:
    """The landing page (the toc root) and the first notebook page that plots."""
    shots = {"landing": toc_entries()[0] + ".html"}
    plotting = [page for page in notebook_pages(html_dir) if notebook_plots(page)]
    if plotting:
        shots["notebook"] = plotting[0]
    return shots


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def crawl_site(html_dir: Path, chromium: str) -> dict:
    """Serve html_dir on localhost, check every page; return the reports by (mode, path)."""
    out = html_dir.parent / "browser"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    handler = functools.partial(QuietHandler, directory=str(html_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    server = f"http://127.0.0.1:{httpd.server_address[1]}/"
    start = time.perf_counter()
    try:
        reports, search_hits = asyncio.run(check_pages(html_dir, server, chromium, out))
    finally:
        httpd.shutdown()
        httpd.server_close()
    seconds = time.perf_counter() - start
    (out / "report.json").write_text(json.dumps(
        {"seconds": round(seconds, 1), "pages": [asdict(r) for r in reports.values()]}, indent=1))
    return {"reports": reports, "seconds": seconds, "out": out, "server": server,
            "shots": screenshot_pages(html_dir), "search_hits": search_hits}


async def check_pages(html_dir: Path, server: str, chromium: str, out: Path) -> tuple:
    """Every page in light mode (WORKERS at a time), then the screenshot pages in dark mode;
    also the search page. Returns the reports by (mode, path) and the search's result links."""
    from playwright.async_api import async_playwright

    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    shots = {path: name for name, path in screenshot_pages(html_dir).items()}
    reports = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=args)
        for mode, paths in (("light", site_pages(html_dir)), ("dark", list(shots))):
            context = await browser.new_context(color_scheme=mode, viewport=VIEWPORT)
            context.set_default_timeout(TIMEOUT_MS)
            await context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"),
                                lambda route: route.abort())
            queue = list(paths)

            async def worker():
                while queue:
                    path = queue.pop(0)
                    shot = out / f"{shots[path]}-{mode}.png" if path in shots else None
                    reports[mode, path] = await visit(context, server, html_dir, path, mode, shot)

            await asyncio.gather(*(worker() for _ in range(WORKERS)))
            if mode == "light":
                search_hits = await search(context, server, SEARCH_WORD)
            await context.close()
        await browser.close()
    return reports, search_hits


async def search(context, server: str, word: str) -> list[str]:
    """The result links of the site's own search (Sphinx's search page and index)."""
    page = await context.new_page()
    await page.goto(f"{server}search.html?q={word}", wait_until="load")
    results = page.locator("#search-results ul.search li a")
    await results.first.wait_for()
    hits = [await link.get_attribute("href") for link in await results.all()]
    await page.close()
    return hits


async def visit(context, server, html_dir, path, mode, screenshot) -> PageReport:
    """Load one page in a fresh tab; collect what it shows; run axe-core on it."""
    report, start = PageReport(path, mode), time.perf_counter()
    page = await context.new_page()
    page.on("console", lambda m: m.type == "error" and report.console_errors.append(
        f"{m.text} ({m.location.get('url', '')})"))
    page.on("pageerror", lambda error: report.console_errors.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda r: r.url.startswith(server) and
            report.failed_requests.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.url.startswith(server) and r.status >= 400 and
            report.failed_requests.append(f"{r.url}: HTTP {r.status}"))
    page.on("request", lambda r: not r.url.startswith((server, "data:", "blob:")) and
            report.external_requests.append(r.url))
    redirect = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"',
                         (html_dir / path).read_text(encoding="utf-8"), re.I)
    await page.goto(server + path, wait_until="load")
    if redirect:  # index.html: follow it; the target is checked on its own
        target = urljoin(server + path, redirect[1])
        await page.wait_for_url(target)
        report.seen = {"links": [target], "ids": [], "images": []}
    else:
        report.seen = await page.evaluate(COLLECT_JS)
        if screenshot:
            await page.screenshot(path=screenshot)
        await page.add_script_tag(path=str(AXE))
        report.violations = await page.evaluate(AXE_JS)
    await page.close()
    report.seconds = round(time.perf_counter() - start, 2)
    return report


@pytest.fixture(scope="module")
def html_dir(site) -> Path:
    """The website built from the executed notebooks (the `site` fixture, conftest.py)."""
    assert (site.html / "index.html").is_file(), f"no index.html in {site.html}"
    return site.html


@pytest.fixture(scope="module")
def crawl(html_dir) -> dict:
    chromium = os.environ.get("RNNCOURSE_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        unavailable("Chromium is not installed (Debian: apt-get install chromium; or set"
                    " RNNCOURSE_CHROMIUM to a Chromium binary)")
    if not AXE.is_file():
        unavailable(f"axe-core is missing ({AXE}): run `npm ci --prefix tests/browser`")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        unavailable("Python playwright is not installed: make venv")
    return crawl_site(html_dir, chromium)


def light(crawl) -> list[PageReport]:
    return [report for (mode, _), report in crawl["reports"].items() if mode == "light"]


def test_every_page_is_visited(crawl, html_dir):
    visited = {path for mode, path in crawl["reports"] if mode == "light"}
    assert visited == set(site_pages(html_dir))
    for entry in toc_entries():
        assert f"{entry}.html" in visited, f"{entry} from _toc.yml has no page in the build"


def test_no_console_errors(crawl):
    errors = [f"{r.path} ({r.mode}): {e}" for r in crawl["reports"].values()
              for e in r.console_errors]
    assert errors == [], "\n".join(errors)


def test_no_failed_requests_to_the_site(crawl):
    failed = [f"{r.path} ({r.mode}): {f}" for r in crawl["reports"].values()
              for f in r.failed_requests]
    assert failed == [], "\n".join(failed)


def test_pages_load_nothing_from_other_hosts(crawl):
    """Workshops run offline: no CDN (MathJax included), web fonts or analytics."""
    external = sorted({f"{r.path}: {url}" for r in crawl["reports"].values()
                       for url in r.external_requests})
    assert external == [], "\n".join(external)


def test_math_is_rendered_by_local_mathjax(crawl):
    with_math = [r for r in light(crawl) if r.seen.get("math")]
    assert with_math, "no page has math: the check would prove nothing"
    for report in with_math:
        seen = report.seen
        assert seen["mathjax"] >= seen["math"], \
            f"{report.path}: {seen['math']} formulas but {seen['mathjax']} rendered by MathJax"
        assert seen["math_errors"] == 0, f"{report.path}: {seen['math_errors']} TeX errors"


def internal_links(crawl) -> list[tuple[str, str]]:
    """(page, target relative to the site root) for every link to the site itself."""
    server = crawl["server"]
    return [(r.path, link[len(server):]) for r in light(crawl) for link in r.seen["links"]
            if link.startswith(server)]


def test_internal_links_and_anchors_resolve(crawl, html_dir):
    ids = {r.path: set(r.seen["ids"]) for r in light(crawl)}
    links = internal_links(crawl)
    assert len(links) > len(ids), "too few links found: is the crawl looking at the pages?"
    broken = [f"{page} -> {target}: {problem}" for page, target in links
              if (problem := check_link(target, ids, html_dir))]
    assert broken == [], "\n".join(sorted(set(broken)))


def check_link(target: str, ids: dict[str, set], html_dir: Path) -> str | None:
    """None if `path#fragment` exists in the build, else what is wrong."""
    parts = urlsplit(target)
    path = unquote(parts.path)
    if path == "" or path.endswith("/"):
        path += "index.html"
    if not (html_dir / path).is_file():
        return "no such file"
    fragment = unquote(parts.fragment)
    if fragment and path.endswith(".html") and fragment not in ids.get(path, set()):
        return f"no element with id {fragment!r}"
    return None


def test_images_load_and_have_alt_text(crawl):
    problems = []
    for report in light(crawl):
        for image in report.seen["images"]:
            if image["width"] == 0:
                problems.append(f"{report.path}: {image['src']} did not load")
            if image["alt"] is None:
                problems.append(f"{report.path}: {image['src']} has no alt attribute")
    assert problems == [], "\n".join(problems)


def test_notebook_pages_show_executed_outputs(crawl, html_dir):
    pages = notebook_pages(html_dir)
    assert pages, "no notebook pages in the build"
    seen = {r.path: r.seen for r in light(crawl)}
    for page in pages:
        assert seen[page]["outputs"] > 0, f"{page} shows no executed outputs"
        plots = [image for image in seen[page]["images"] if image["output"]]
        if notebook_plots(page):
            assert plots, f"{page} plots with matplotlib but shows no output image"


def test_plots_have_a_caption_and_alt_text(crawl):
    """Each plotting cell has a `mystnb: figure: caption` and an `image: alt` (see 02d)."""
    missing = []
    for report in light(crawl):
        for image in report.seen["images"]:
            alt = (image["alt"] or "").strip()
            if image["output"] and (not image["caption"] or len(alt) < 20 or
                                    re.search(r"\.(png|svg|jpe?g)$", alt)):
                missing.append(f"{report.path}: {image['src']} (alt {alt!r})")
    assert missing == [], "plots without a figure caption or a real alt text:\n" + \
        "\n".join(missing)


def test_launch_links_open_an_ipynb_of_the_repository(crawl, html_dir):
    buttons = book_config("_config.yml")["launch_buttons"]
    seen = {r.path: r.seen for r in light(crawl)}
    for page in notebook_pages(html_dir):
        links, twin = seen[page]["launch"], str(Path(page).with_suffix(".ipynb"))
        hosts = {urlsplit(link).netloc for link in links}
        for url in ("colab_url", "binderhub_url"):
            assert urlsplit(buttons[url]).netloc in hosts, f"{page} has no {url} button"
        for link in links:
            path = launched_notebook(link)
            assert path == twin, f"{page}: {link} opens {path}"
            assert (REPO / path).is_file(), f"{link} opens {path}, not in the repository"
        if "jupyterhub_url" not in buttons:  # no hub named: no button that goes nowhere
            assert not any("git-pull" in link for link in links), f"{page} has a hub button"
            continue
        hub_links = [link for link in links if link.startswith(buttons["jupyterhub_url"])]
        assert hub_links == [cli.hub_link(buttons["jupyterhub_url"], twin)], \
            "the JupyterHub button and `python -m rnncourse hub-link` disagree"
        downloads = [link for link in seen[page]["downloads"] if link.endswith(".ipynb")]
        assert downloads, f"{page} has no .ipynb download button"


def launched_notebook(link: str) -> str | None:
    """The repository path of the .ipynb that a Colab, Binder or nbgitpuller link opens."""
    parts = urlsplit(link)
    query = parse_qs(parts.query)
    if "urlpath" in query:  # Binder: lab/tree/PATH; nbgitpuller: lab/tree/TARGET/PATH
        target = query.get("targetPath", [""])[0]
        return query["urlpath"][0].removeprefix("lab/tree/").removeprefix(f"{target}/")
    match = re.search(r"/blob/[^/]+/(.+\.ipynb)$", parts.path)  # Colab
    return match[1] if match else None


def allowed(rule: str, node: str) -> bool:
    return any(rule == allowed_rule and part in node for allowed_rule, part in A11Y_ALLOWED)


def serious_violations(crawl) -> list[tuple[PageReport, dict, str]]:
    return [(r, v, node) for r in crawl["reports"].values() for v in r.violations
            if v["impact"] in SERIOUS for node in v["nodes"]]


def test_no_serious_accessibility_violations(crawl):
    found = [f"{r.path} ({r.mode}): {v['impact']} {v['id']} ({v['help']}) at {node}"
             for r, v, node in serious_violations(crawl) if not allowed(v["id"], node)]
    assert found == [], "\n".join(found)


def test_every_allowed_violation_still_occurs(crawl):
    """An allow-list entry that no page needs any more must be removed."""
    used = {key for _, v, node in serious_violations(crawl) for key in A11Y_ALLOWED
            if v["id"] == key[0] and key[1] in node}
    assert used == set(A11Y_ALLOWED), f"remove from A11Y_ALLOWED: {set(A11Y_ALLOWED) - used}"


def test_search_finds_pages(crawl, html_dir):
    hits = crawl["search_hits"]
    assert len(hits) >= 2, f"searching {SEARCH_WORD!r} found {hits}"
    for hit in hits:
        assert (html_dir / urlsplit(hit).path).is_file(), hit


def test_screenshots_in_light_and_dark_mode(crawl):
    assert set(crawl["shots"]) == {"landing", "notebook"}
    for name, path in crawl["shots"].items():
        for mode in ("light", "dark"):
            shot = crawl["out"] / f"{name}-{mode}.png"
            assert shot.is_file() and shot.stat().st_size > 10_000, shot
            assert crawl["reports"][mode, path].seen["theme"] == mode, f"{path} in {mode} mode"


def test_summary(crawl, capsys):
    """Write what was checked to summary.txt and show it in the `make test` output."""
    reports = list(crawl["reports"].values())
    links = internal_links(crawl)
    serious = serious_violations(crawl)
    summary = (
        f"browser: {len(light(crawl))} pages checked (and {len(reports) - len(light(crawl))}"
        f" in dark mode) in {crawl['seconds']:.0f} s; {len(links)} internal links"
        f" ({len({target for _, target in links})} distinct) checked;"
        f" {sum(len(r.console_errors) for r in reports)} console errors;"
        f" {sum(not allowed(v['id'], node) for _, v, node in serious)} serious or critical"
        f" a11y violations, {sum(allowed(v['id'], node) for _, v, node in serious)} allowed"
        f" ({len(A11Y_ALLOWED)} allow-list entries); screenshots in {crawl['out']}"
    )
    (crawl["out"] / "summary.txt").write_text(summary + "\n")
    with capsys.disabled():
        print("\n" + summary)


def test_launched_notebook_reads_colab_binder_and_nbgitpuller_links():
    path = "notebooks/02b_backprop_through_time.ipynb"
    colab = f"https://colab.research.google.com/github/org/repo/blob/main/{path}"
    binder = f"https://mybinder.org/v2/gh/org/repo/main?urlpath=lab/tree/{path}"
    hub = cli.hub_link("https://hub.example.edu", path, repo="https://github.com/org/repo")
    assert [launched_notebook(link) for link in (colab, binder, hub)] == [path] * 3
    assert launched_notebook("https://colab.research.google.com/github/org/repo") is None


def test_check_link_finds_missing_files_and_anchors(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "intro.html").write_text("")
    (tmp_path / "index.html").write_text("")
    ids = {"book/intro.html": {"what-you-will-learn"}}
    assert check_link("book/intro.html#what-you-will-learn", ids, tmp_path) is None
    assert check_link("", ids, tmp_path) is None  # the site root: index.html
    assert check_link("book/intro.html#nowhere", ids, tmp_path) == "no element with id 'nowhere'"
    assert check_link("book/missing.html", ids, tmp_path) == "no such file"
