"""The two forms of every notebook, made from one source.

``notebooks/NAME.md`` (MyST Markdown) is what authors edit and what the website is built from.
``notebooks/NAME.ipynb`` is generated from it: the notebook that learners open on Colab, Binder,
a JupyterHub or their own Jupyter. It has the same code cells; its Markdown is plain Jupyter
Markdown (no MyST roles or directives): equations numbered with ``\\tag``, references as
"(3)" or "Exercise 2", citations as "(Elman, 1990)", figure captions under the plots, and every
solution folded until the learner opens it.

    python book/_ext/course_notebooks.py sync        # refresh each .md's install cell, write its .ipynb
    python book/_ext/course_notebooks.py check       # exit 1 if an .ipynb is not what its .md makes
    python book/_ext/course_notebooks.py book RUN OUT
        # the website's notebooks: each .md's cells with the outputs of RUN/NAME/NAME.ipynb
        # (the launch notebook as executed by `make test`), written to OUT/NAME.ipynb

Runs in the course's development environment (jupytext, nbformat, pybtex, yaml).
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from functools import cache
from pathlib import Path

import jupytext
import nbformat
import yaml

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
INSTALL_TAG = "remove-cell"  # the install cell is hidden on the website
INSTALL_CELL = """\
# The course helpers at the version this notebook was written for: installed where
# they are missing (Colab, a new Jupyter), left alone where they are present.
from importlib import metadata

try:
    helpers = metadata.version("rnncourse")
except metadata.PackageNotFoundError:
    helpers = None
if helpers != "{version}":
    %pip install rnncourse=={version}"""
# What the launch notebooks must not contain: MyST syntax that Jupyter shows as raw text.
RAW_MYST = re.compile(r"\{[a-z][\w:-]*\}`|^\s*(`{3,}|:{3,})\{|^\([\w-]+\)=\s*$|\$\$\s*\([\w-]+\)",
                      re.MULTILINE)
ROLE = re.compile(r"\{(term|eq|numref|ref|cite|cite:p|cite:t)\}`([^`]+)`")
EQUATION = re.compile(r"\$\$(.+?)\$\$[ \t]*\(([\w-]+)\)", re.DOTALL)
TARGET = re.compile(r"^\([\w-]+\)=[ \t]*\n", re.MULTILINE)
FENCE = re.compile(r"^(`{3,})\{([\w-]+)\}[ \t]*(.*)$")
BOOK_LINK = re.compile(r"\]\(\.\./book/([\w/-]+)\.md(#[\w-]+)?\)")


def version() -> str:
    """``rnncourse.__version__``, read from the source without importing the package."""
    source = (REPO / "rnncourse" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', source, re.MULTILINE)[1]


def install_cell() -> str:
    return INSTALL_CELL.format(version=version())


def site_url() -> str:
    """The website's address, as GitHub Pages serves the repository named in _config.yml."""
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    owner, name = config["repository"]["url"].rstrip("/").split("/")[-2:]
    return f"https://{owner}.github.io/{name}/"


# --- the install cell ----------------------------------------------------------------------

def is_install_cell(cell) -> bool:
    return cell.cell_type == "code" and "%pip install rnncourse==" in cell.source


def with_install_cell(text: str) -> str:
    """The .md text with exactly one, current install cell, before the first ``## `` heading."""
    block = f"```{{code-cell}} ipython3\n:tags: [{INSTALL_TAG}]\n\n{install_cell()}\n```\n\n"
    existing = re.compile(r"```\{code-cell\} ipython3\n:tags: \[remove-cell\]\n\n"
                          r"# The course helpers at the version.*?\n```\n\n", re.DOTALL)
    text = existing.sub("", text)
    heading = re.search(r"^## ", text, re.MULTILINE)
    if heading is None:
        raise ValueError("the notebook has no '## ' heading to put the install cell before")
    return text[:heading.start()] + block + text[heading.start():]


# --- MyST to Jupyter Markdown --------------------------------------------------------------

@cache
def bibliography() -> dict[str, tuple[str, str]]:
    """``{key: (authors as cited, year)}`` from book/references.bib."""
    from pybtex.database import parse_file

    entries = parse_file(str(REPO / "book" / "references.bib")).entries
    cited = {}
    for key, entry in entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [" ".join(person.last_names).replace("{", "").replace("}", "")
                 for person in people]
        if not names:
            authors = entry.fields.get("title", key)
        elif len(names) == 1:
            authors = names[0]
        elif len(names) == 2:
            authors = f"{names[0]} and {names[1]}"
        else:
            authors = f"{names[0]} et al."
        cited[key] = (authors, entry.fields.get("year", "n.d."))
    return cited


class Numbers:
    """What Sphinx numbers on a page, in the order it numbers them: equations, figures,
    exercises (each from 1 on this page)."""

    def __init__(self, cells):
        self.equations, self.figures, self.exercises = {}, {}, {}
        self.figure_cells = {}
        for index, cell in enumerate(cells):
            if cell.cell_type == "markdown":
                for match in EQUATION.finditer(cell.source):
                    self.equations[match[2]] = len(self.equations) + 1
                for label in re.findall(r"```\{exercise\}[^\n]*\n:label: ([\w-]+)", cell.source):
                    self.exercises[label] = len(self.exercises) + 1
            elif cell.metadata.get("mystnb", {}).get("figure", {}).get("caption"):
                figure = cell.metadata["mystnb"]["figure"]
                self.figure_cells[index] = len(self.figure_cells) + 1
                if figure.get("name"):
                    self.figures[figure["name"]] = self.figure_cells[index]


def plain_roles(text: str, numbers: Numbers) -> str:
    """Replace each MyST role by the text Jupyter should show."""
    def replace(match: re.Match) -> str:
        role, content = match[1], match[2]
        shown, _, target = content.partition(" <")
        target = target.rstrip(">") if target else content
        if role == "term":
            return shown
        if role == "eq":
            if target in numbers.equations:
                return f"({numbers.equations[target]})"
            stem, number, title = _equation_elsewhere(target)
            return f"({number}) of [{title}]({stem}.ipynb)"
        if role == "numref":
            number = _number(numbers.figures, target, "figure")
            return shown.replace("%s", str(number)) if target != content else f"Fig. {number}"
        if role == "ref":
            if target in numbers.exercises:
                return shown if target != content else f"Exercise {numbers.exercises[target]}"
            return shown
        keys = [key.strip() for key in target.split(",")]
        cited = [bibliography()[key] for key in keys]
        if role == "cite:t":
            return "; ".join(f"{authors} ({year})" for authors, year in cited)
        return "(" + "; ".join(f"{authors}, {year}" for authors, year in cited) + ")"

    return ROLE.sub(replace, text)


def _equation_elsewhere(label: str) -> tuple[str, int, str]:
    """(notebook, number, title) of an equation labelled in another notebook."""
    for md in sorted(NOTEBOOKS.glob("*.md")):
        numbers = _numbers_of(md)
        if label in numbers.equations:
            title = re.search(r"^# (.+)$", md.read_text(encoding="utf-8"), re.MULTILINE)[1]
            return md.stem, numbers.equations[label], title
    raise ValueError(f"no notebook has an equation labelled {label!r}")


@cache
def _numbers_of(md: Path) -> Numbers:
    return Numbers(jupytext.read(md).cells)


def _number(table: dict[str, int], label: str, kind: str) -> int:
    if label not in table:
        raise ValueError(f"no {kind} labelled {label!r} in this notebook")
    return table[label]


def markdown_pieces(source: str):
    """Split one MyST Markdown cell into ``("text", str)``, ``("exercise", label, title, body)``,
    ``("solution-start", label)`` and ``("solution-end",)`` pieces."""
    lines, text = source.split("\n"), []
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            text.append(lines[index])
            index += 1
            continue
        fence, name, argument = match.groups()
        end = next((i for i in range(index + 1, len(lines)) if lines[i].strip() == fence), None)
        if end is None:
            raise ValueError(f"the {{{name}}} directive at line {index + 1} is not closed")
        body = lines[index + 1:end]
        options = {}
        while body and body[0].startswith(":"):
            key, _, value = body.pop(0)[1:].partition(":")
            options[key.strip()] = value.strip()
        if text:
            yield ("text", "\n".join(text))
            text = []
        if name == "exercise":
            yield ("exercise", options.get("label"), argument, "\n".join(body).strip())
        elif name == "solution-start":
            yield ("solution-start", argument.strip())
        elif name == "solution-end":
            yield ("solution-end",)
        else:
            raise ValueError(f"launch notebooks cannot show the {{{name}}} directive yet")
        index = end + 1
    if text:
        yield ("text", "\n".join(text))


def plain_markdown(text: str, numbers: Numbers) -> str:
    """Equations with ``\\tag``, no targets, roles as text, book links to the website."""
    text = EQUATION.sub(lambda m: f"$${m[1].rstrip()}\n\\tag{{{numbers.equations[m[2]]}}}\n$$", text)
    text = TARGET.sub("", text)
    text = BOOK_LINK.sub(lambda m: f"]({site_url()}book/{m[1]}.html{m[2] or ''})", text)
    return plain_roles(text, numbers)


def launch_notebook(md: Path) -> nbformat.NotebookNode:
    """The learners' notebook made from ``md``: same code cells, plain Jupyter Markdown."""
    source = jupytext.read(md)
    numbers = Numbers(source.cells)
    cells, solution = [], None  # solution: the exercise number while inside a solution

    def add_markdown(text: str) -> None:
        text = text.strip()
        if not text:
            return
        if solution is not None:
            text = (f"<details>\n<summary><b>Solution to exercise {solution}</b> (click to show)"
                    f"</summary>\n\n{text}\n\n</details>")
        cells.append(nbformat.v4.new_markdown_cell(text))

    for index, cell in enumerate(source.cells):
        if cell.cell_type == "code":
            code = nbformat.v4.new_code_cell(cell.source, metadata=copy.deepcopy(cell.metadata))
            if solution is not None:
                code.metadata["jupyter"] = {"source_hidden": True}
                code.metadata["cellView"] = "form"  # Colab: folded, "Show code"
                cells.append(nbformat.v4.new_markdown_cell(
                    f"*Solution to exercise {solution}, in code: the next cell is folded."
                    " Click it to show the code, or run it.*"))
            cells.append(code)
            if index in numbers.figure_cells:
                caption = plain_markdown(cell.metadata["mystnb"]["figure"]["caption"], numbers)
                cells.append(nbformat.v4.new_markdown_cell(
                    f"*Fig. {numbers.figure_cells[index]}. {caption.strip()}*"))
            continue
        for piece in markdown_pieces(cell.source):
            if piece[0] == "text":
                add_markdown(plain_markdown(piece[1], numbers))
            elif piece[0] == "exercise":
                _, label, title, body = piece
                heading = f"Exercise {numbers.exercises[label]}" + (f" ({title})" if title else "")
                body = plain_markdown(body, numbers)
                quoted = "\n".join(f"> {line}" if line else ">" for line in
                                   f"**{heading}.** {body}".split("\n"))
                add_markdown(quoted)
            elif piece[0] == "solution-start":
                solution = numbers.exercises[piece[1]]
            else:
                solution = None
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": source.metadata["kernelspec"],
        "language_info": {"name": "python"},
    })
    for cell in notebook.cells:
        cell.pop("id", None)
    notebook.nbformat_minor = 4  # no cell ids: diffs stay small, every Jupyter reads it
    found = [cell.source for cell in notebook.cells
             if cell.cell_type == "markdown" and RAW_MYST.search(cell.source)]
    if found:
        raise ValueError(f"{md.name}: MyST syntax left in its launch notebook: {found[0][:200]!r}")
    return notebook


def launch_text(md: Path) -> str:
    return nbformat.writes(launch_notebook(md)) + "\n"


# --- the website's notebooks ---------------------------------------------------------------

def book_notebook(md: Path, executed: Path) -> nbformat.NotebookNode:
    """``md``'s own cells (MyST Markdown, for the website) with the outputs of ``executed``,
    its launch notebook as executed; the code cells must agree one to one."""
    notebook = jupytext.read(md)
    ran = nbformat.read(executed, as_version=4)
    mine = [cell for cell in notebook.cells if cell.cell_type == "code"]
    theirs = [cell for cell in ran.cells if cell.cell_type == "code"]
    if [cell.source for cell in mine] != [cell.source for cell in theirs]:
        raise ValueError(f"{executed} does not have the code cells of {md}: run `make sync`")
    for cell, done in zip(mine, theirs):
        cell.outputs, cell.execution_count = done.outputs, done.execution_count
    return notebook


# --- commands ------------------------------------------------------------------------------

def sync(paths: list[Path]) -> list[Path]:
    """Refresh each .md's install cell and write its launch .ipynb; return what changed."""
    changed = []
    for md in paths:
        text = md.read_text(encoding="utf-8")
        fresh = with_install_cell(text)
        if fresh != text:
            md.write_text(fresh, encoding="utf-8")
            changed.append(md)
        ipynb = md.with_suffix(".ipynb")
        launch = launch_text(md)  # raises, naming the notebook, if it cannot be converted
        if not ipynb.exists() or ipynb.read_text(encoding="utf-8") != launch:
            ipynb.write_text(launch, encoding="utf-8")
            changed.append(ipynb)
    return changed


def stale(paths: list[Path]) -> list[str]:
    """What ``sync`` would change, as messages."""
    problems = []
    for md in paths:
        text = md.read_text(encoding="utf-8")
        if with_install_cell(text) != text:
            problems.append(f"{md.name}: its install cell is missing or not the current one")
        ipynb = md.with_suffix(".ipynb")
        if not ipynb.exists() or ipynb.read_text(encoding="utf-8") != launch_text(md):
            problems.append(f"{ipynb.name} is not what {md.name} makes")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("sync", "check"):
        command = commands.add_parser(name)
        command.add_argument("paths", nargs="*", type=Path)
    book = commands.add_parser("book")
    book.add_argument("run", type=Path, help="RUN/NAME/NAME.ipynb: the executed launch notebooks")
    book.add_argument("out", type=Path, help="where to write NAME.ipynb for the website")
    args = parser.parse_args(argv)
    if args.command == "book":
        args.out.mkdir(parents=True, exist_ok=True)
        for md in sorted(NOTEBOOKS.glob("*.md")):
            executed = args.run / md.stem / f"{md.stem}.ipynb"
            nbformat.write(book_notebook(md, executed), args.out / f"{md.stem}.ipynb")
        return 0
    paths = [path.resolve() for path in args.paths] or sorted(NOTEBOOKS.glob("*.md"))
    if args.command == "sync":
        failed = 0
        for md in paths:
            try:
                for path in sync([md]):
                    print(f"wrote {path.relative_to(REPO)}")
            except ValueError as err:
                print(f"error: {md.name}: {err}", file=sys.stderr)
                failed += 1
        return 1 if failed else 0
    problems = stale(paths)
    print("\n".join(problems) or "every launch notebook is up to date")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
