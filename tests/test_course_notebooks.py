"""book/_ext/course_notebooks.py: MyST sources become clean launch notebooks, and the website's
notebooks get the outputs of the launch notebooks as executed."""

import nbformat
import pytest

import course_notebooks  # book/_ext, put on the path by conftest.py

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---
"""
SOURCE = HEADER + """
# A title

Intro with a {term}`gate <Gate>` and {cite}`elman1990`; {cite:t}`elman1990` too.

## Setup

(sec-setup)=
$$
h_t = \\tanh(x_t)
$$ (eq-one)

We implement {eq}`eq-one`, shown in {numref}`fig-a`; see [notation](../book/notation.md).

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: A plot of {term}`Gate`.
    name: fig-a
---
x = 1
```

## Exercises

```{exercise}
:label: ex-a

Do it. Compare with {eq}`eq-one`.

Second paragraph.
```

```{solution-start} ex-a
:class: dropdown
```

Some *reasoning*.

```{code-cell} ipython3
y = 2
```

```{solution-end}
```

After, see {ref}`ex-a`.
"""


@pytest.fixture
def md(tmp_path, monkeypatch):
    path = tmp_path / "nb.md"
    path.write_text(course_notebooks.with_install_cell(SOURCE))
    monkeypatch.setattr(course_notebooks, "NOTEBOOKS", tmp_path)
    course_notebooks._numbers_of.cache_clear()
    return path


def markdown(notebook) -> str:
    return "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def test_roles_become_plain_text(md):
    text = markdown(course_notebooks.launch_notebook(md))
    assert "Intro with a gate and (Elman, 1990); Elman (1990) too." in text
    assert "We implement (1), shown in Fig. 1" in text
    assert "$$\nh_t = \\tanh(x_t)\n\\tag{1}\n$$" in text
    assert "(sec-setup)=" not in text
    assert f"]({course_notebooks.site_url()}book/notation.html)" in text
    assert "After, see Exercise 1." in text
    assert not course_notebooks.RAW_MYST.search(text)


def test_code_cells_are_kept_and_the_install_cell_comes_first(md):
    code = [c.source for c in course_notebooks.launch_notebook(md).cells if c.cell_type == "code"]
    assert code == [course_notebooks.install_cell(), "x = 1", "y = 2"]
    assert course_notebooks.with_install_cell(md.read_text()) == md.read_text()  # idempotent


def test_figure_captions_show_under_the_plot(md):
    cells = course_notebooks.launch_notebook(md).cells
    index = next(i for i, cell in enumerate(cells) if cell.source == "x = 1")
    assert cells[index + 1].source == "*Fig. 1. A plot of Gate.*"


def test_exercises_are_quoted_and_solutions_folded(md):
    cells = course_notebooks.launch_notebook(md).cells
    text = markdown(course_notebooks.launch_notebook(md))
    assert "> **Exercise 1.** Do it. Compare with (1).\n>\n> Second paragraph." in text
    assert ("<details>\n<summary><b>Solution to exercise 1</b> (click to show)</summary>\n\n"
            "Some *reasoning*.\n\n</details>") in text
    solution = next(cell for cell in cells if cell.source == "y = 2")
    assert solution.metadata["jupyter"] == {"source_hidden": True}
    assert solution.metadata["cellView"] == "form"
    assert not course_notebooks.launch_notebook(md).cells[-1].source.startswith("<details>")


def test_equations_of_other_notebooks_are_named_with_a_link(md, tmp_path):
    other = tmp_path / "other.md"
    other.write_text(SOURCE.replace("(eq-one)", "(eq-one)\n\nSee {eq}`eq-two`.", 1))
    (tmp_path / "zz.md").write_text(HEADER + "\n# Zed\n\n## S\n\n$$\na\n$$ (eq-two)\n")
    text = markdown(course_notebooks.launch_notebook(other))
    assert "See (1) of [Zed](zz.ipynb)." in text


@pytest.mark.parametrize("bad, message", [
    ("```{note}\nHi\n```", "cannot show the {note} directive"),
    ("See {eq}`nowhere`.", "no notebook has an equation labelled 'nowhere'"),
    ("{glue:text}`x`", "MyST syntax left"),
    ("```{exercise}\n:label: open", "not closed"),
])
def test_what_cannot_be_converted_is_refused_by_name(tmp_path, monkeypatch, bad, message):
    monkeypatch.setattr(course_notebooks, "NOTEBOOKS", tmp_path)
    path = tmp_path / "bad.md"
    path.write_text(HEADER + f"\n# T\n\n## S\n\n{bad}\n")
    with pytest.raises(ValueError, match=message):
        course_notebooks.launch_notebook(path)


def test_the_book_notebook_takes_the_outputs_of_the_executed_launch_notebook(md, tmp_path):
    launch = course_notebooks.launch_notebook(md)
    for number, cell in enumerate(c for c in launch.cells if c.cell_type == "code"):
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"out {number}")]
        cell.execution_count = number + 1
    executed = tmp_path / "ran.ipynb"
    nbformat.write(launch, executed)
    book = course_notebooks.book_notebook(md, executed)
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    assert [cell.outputs[0]["text"] for cell in code] == ["out 0", "out 1", "out 2"]
    assert "{term}`gate <Gate>`" in markdown(book)  # the website keeps its MyST


def test_the_book_notebook_refuses_a_launch_notebook_with_other_code(md, tmp_path):
    launch = course_notebooks.launch_notebook(md)
    [c for c in launch.cells if c.cell_type == "code"][-1].source = "changed = True"
    executed = tmp_path / "ran.ipynb"
    nbformat.write(launch, executed)
    with pytest.raises(ValueError, match="make sync"):
        course_notebooks.book_notebook(md, executed)
