# make       installs what is missing, then builds every note into output/
# make test  installs what is missing, then runs all tests
# make check validates the notes and templates without writing anything
# make official builds every note strictly, reproducibly, with output/manifest.json
# make serve    previews the notes in a browser, live, with a translation workbench (docs/preview.md)
# make bench    measures the build side by side with Pandoc and WeasyPrint (bench/bench.py)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# The wheel the country names are made from (tools/make_country_names.py): the tests compare
# conceptnotes/data/country_names.json with it
HDX_WHEEL := $(VENV)/wheels/hdx_python_country-4.2.5-py3-none-any.whl

# Debian packages: Pango and HarfBuzz's subsetter for WeasyPrint, and the pinned fonts.
RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
	fonts-liberation2=2.1.5-1 fonts-noto-core=20201225-1 fonts-noto-cjk=1:20220127+repack1-1
# The preview server draws the pages with poppler's pdftoppm.
SERVE_DEBS := poppler-utils
# Real clients the tests read the outputs with, and the browser the preview's tests drive;
# pandoc makes Word files for the import's tests.
TEST_DEBS := libreoffice-writer-nogui poppler-utils qpdf faketime chromium pandoc
# The peer the benchmark compares with.
BENCH_DEBS := pandoc

.PHONY: all build check official verify serve test bench system-deps serve-system-deps test-system-deps bench-system-deps clean

all: build

build: system-deps $(VENV)/.runtime
	$(PY) build.py build

check: system-deps $(VENV)/.runtime
	$(PY) build.py check

official: system-deps $(VENV)/.runtime
	$(PY) build.py official

serve: system-deps serve-system-deps $(VENV)/.runtime
	$(PY) build.py serve

verify: $(VENV)/.runtime
	$(PY) build.py verify

# one test worker per core (pytest-xdist), each test file in one worker, so that a file's shared
# fixtures (a built project, a running server) are made once; 'pytest tests/x.py' alone runs in one process
test: system-deps test-system-deps $(VENV)/.dev $(HDX_WHEEL)
	$(PY) -m pytest -n auto --dist loadfile

bench: system-deps test-system-deps bench-system-deps $(VENV)/.dev
	$(PY) bench/bench.py

system-deps:
	@scripts/setup-system.sh $(RUNTIME_DEBS)

serve-system-deps:
	@scripts/setup-system.sh $(SERVE_DEBS)

test-system-deps:
	@scripts/setup-system.sh $(TEST_DEBS)

bench-system-deps:
	@scripts/setup-system.sh $(BENCH_DEBS)

$(PY):
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || scripts/setup-system.sh python3-venv
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

$(HDX_WHEEL): | $(PY)
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
		hdx-python-country==4.2.5 -d $(VENV)/wheels

clean:
	rm -rf output
