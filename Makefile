# The course's two commands: `make book` and `make test` (see README.md).
# Both create .venv on first use and install the pinned requirements into it.

SHELL := /bin/bash
# The first Python in the supported range (rnncourse/python_range.py), else python3, whose
# check then says what to install.
ifndef PYTHON
PYTHON := $(or $(shell for p in python3.11 python3.12 python3.13 python3; do \
  command -v $$p >/dev/null && $$p rnncourse/python_range.py 2>/dev/null && { command -v $$p; break; }; \
  done),$(shell command -v python3))
endif
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The wheel of the course helpers, built from this checkout (what PyPI will serve).
DIST := _build/dist
# The learner-like environment: binder/requirements.txt (what Binder installs) plus the
# wheel, no book toolchain, no checkout on its path. `make test` runs every notebook there.
LEARNER := _build/learner-venv
# `make test` copies each launch notebook alone into its own empty folder here (nbmake skips
# any path containing `_build`), executes it in place, then builds the site from the outputs.
STAGE := .test-stage
RUN := $(STAGE)/run
TEST_SITE := _build/test-site
# Seconds per cell; equals execute.timeout in _config.yml (tests/test_book_config.py checks).
NB_TIMEOUT := 360
# Notebooks and unit tests run on this many workers (pytest-xdist): the machine has 2 cores.
WORKERS ?= 2
# axe-core (npm registry, pinned in tests/browser/package-lock.json) for tests/test_browser.py.
AXE := tests/browser/node_modules/axe-core/axe.min.js
UNIT_TESTS := $(filter-out tests/test_site.py tests/test_browser.py,$(sort $(wildcard tests/test_*.py)))
NOTEBOOK_NAMES := $(basename $(notdir $(wildcard notebooks/*.md)))
# The notebooks' run order: longest first by the last `make bench` (benchmarks/results.json),
# new ones before them; with --maxschedchunk 1 each worker takes the next test when it is
# free, so the two finish at about the same time.
NOTEBOOK_ORDER := $(shell python3 -c 'import json, sys; t = {r["notebook"].split("/")[-1][:-6]: \
  r["seconds"] for r in json.load(open("benchmarks/results.json"))["notebooks"]}; \
  print(*sorted(sys.argv[1:], key=lambda n: -t.get(n, 1e9)))' $(NOTEBOOK_NAMES))

# Offline data for tests and CI: the labeled IMDB archive beside the repository.
SHARED_IMDB := $(abspath ../shared/datasets/aclImdb_v1_labeled.tar.gz)
ifeq ($(origin RNNCOURSE_IMDB), undefined)
  ifneq ($(wildcard $(SHARED_IMDB)),)
    export RNNCOURSE_IMDB := $(SHARED_IMDB)
  endif
endif
# Kernels registered inside the venv come first, so the book uses the venv.
export JUPYTER_PATH := $(abspath $(VENV))/share/jupyter
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help venv learner wheel browser-deps book lab test unit test-latest bench sync lock clean

help:
	@echo "make book         build the website, executing every notebook (_build/html/index.html)"
	@echo "make lab          open the course's notebooks in JupyterLab"
	@echo "make test         everything CI checks: unit tests, every notebook in a learner-like kernel,"
	@echo "                  the site build, every page in headless Chromium"
	@echo "make unit         the unit tests only (a minute or two), slowest listed"
	@echo "make test-latest  unit tests and the quick notebooks with the newest packages (another Python)"
	@echo "make bench        run time and peak memory of every notebook, and each chapter's speed goal"
	@echo "make sync         regenerate each notebook's launch .ipynb after editing its .md"
	@echo "make lock         re-pin constraints.txt and binder/requirements.txt"

venv: $(INSTALLED)

# The supported Python range is checked first, with a plain message (rnncourse/python_range.py).
$(INSTALLED): requirements.txt constraints.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "No python3 found: install Python 3.11.5-3.13"; exit 1; }
	@$(PYTHON) rnncourse/python_range.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --progress-bar on --upgrade pip
	$(PY) -m pip install --progress-bar on -r requirements.txt -c constraints.txt -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)"
	touch $@

# The helpers as learners get them: a wheel (not editable, not the checkout).
wheel: venv
	rm -rf $(DIST) && mkdir -p _build && $(PY) -m build --wheel --outdir $(DIST) . > _build/wheel.log 2>&1 \
	  || { cat _build/wheel.log; exit 1; }
	@ls $(DIST)/*.whl

# Binder's environment, exactly: binder/requirements.txt, then the wheel with --no-deps, as
# binder/postBuild installs it (the image has tensorflow-cpu, which pip can't match to the
# wheel's `tensorflow` requirement).
learner: $(LEARNER)/.installed wheel
	$(LEARNER)/bin/python -m pip install --quiet --no-deps --force-reinstall $(DIST)/*.whl

$(LEARNER)/.installed: binder/requirements.txt
	@$(PYTHON) rnncourse/python_range.py
	rm -rf $(LEARNER) && $(PYTHON) -m venv $(LEARNER)
	$(LEARNER)/bin/python -m pip install --progress-bar on -r binder/requirements.txt
	$(LEARNER)/bin/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)"
	touch $@

# npm ci installs exactly the locked axe-core; without npm the browser test skips (fails on CI).
browser-deps: $(AXE)

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: tests/test_browser.py cannot run axe-core (apt-get install npm)"; fi

book: venv
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	@echo "The course website: $(abspath _build/html/index.html)"

lab: venv
	$(VENV)/bin/jupyter lab notebooks/

# 1. The unit tests and every notebook, on $(WORKERS) workers. Each notebook is the launch
#    .ipynb that learners open, alone in an empty folder, run by the learner-like kernel
#    (JUPYTER_PATH), with pip pointed offline at the wheel just built (PIP_NO_INDEX,
#    PIP_FIND_LINKS), so its install cell runs unchanged. The IMDB cache is filled first, once.
# 2. The website, built from those executed notebooks, and every page in Chromium
#    (tests/test_site.py and tests/test_browser.py, tied together by the `site` fixture).
test: venv browser-deps learner
	rm -rf $(STAGE) $(TEST_SITE)
	for name in $(NOTEBOOK_NAMES); do mkdir -p $(RUN)/$$name && cp notebooks/$$name.ipynb $(RUN)/$$name/; done
	$(LEARNER)/bin/python -c "from rnncourse import data; print(data.fetch_imdb())"
	JUPYTER_PATH=$(abspath $(LEARNER))/share/jupyter PIP_NO_INDEX=1 PIP_FIND_LINKS=$(abspath $(DIST)) \
	RNNCOURSE_LEARNER_PYTHON=$(abspath $(LEARNER))/bin/python RNNCOURSE_DIST=$(abspath $(DIST)) \
	  $(PY) -m pytest -n $(WORKERS) --dist load --maxschedchunk 1 $(addprefix $(RUN)/,$(NOTEBOOK_ORDER)) $(UNIT_TESTS) \
	  --nbmake --overwrite --nbmake-timeout=$(NB_TIMEOUT) --durations=10
	RNNCOURSE_RUN=$(abspath $(RUN)) RNNCOURSE_TEST_SITE=$(abspath $(TEST_SITE)) \
	  $(PY) -m pytest tests/test_site.py tests/test_browser.py

unit: venv
	$(PY) -m pytest -n $(WORKERS) $(UNIT_TESTS) --durations=15

test-latest:
	bash .ci/test-latest

# Notebook run times and memory, then each chapter's performance goal (see benchmarks/).
# Every benchmark runs even if an earlier one reports a budget exceeded; the exit status is 1 if any did.
BENCHMARKS := run bptt_speed gated_speed forecast_speed imdb_speed recurrent_dropout_cost \
  charlm_quality conditional_generation parallel_speed
bench: venv
	status=0; for b in $(BENCHMARKS); do $(PY) benchmarks/$$b.py || status=1; done; exit $$status

sync: venv
	$(PY) book/_ext/course_notebooks.py sync

# constraints.txt from requirements.txt, then binder/requirements.txt's lock from its
# top-level list (binder/lock.py resolves it with -c constraints.txt).
lock:
	rm -rf _build/lockvenv && $(PYTHON) -m venv _build/lockvenv
	_build/lockvenv/bin/pip install --quiet --upgrade pip
	_build/lockvenv/bin/pip install --quiet -r requirements.txt
	{ echo "# Every package pinned, generated by 'make lock' from requirements.txt."; \
	  _build/lockvenv/bin/pip freeze; } > constraints.txt
	$(PYTHON) binder/lock.py

clean:
	rm -rf _build $(STAGE) .test-latest
