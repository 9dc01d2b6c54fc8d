# conceptnotes in a container, for officers on Windows or macOS (docs/guide-drafting.md, "7. On
# Windows or macOS"): Debian 12 with the pinned fonts, the pinned Python packages, and the tool,
# run on a project folder mounted at /project.
#
#   docker build -t conceptnotes .
#   docker run --rm -v "$PWD:/project" conceptnotes build
#   docker run --rm -p 127.0.0.1:8000:8000 -v "$PWD:/project" conceptnotes serve --host 0.0.0.0 --allow-remote
FROM debian:12-slim

# The Makefile's RUNTIME_DEBS (Pango, HarfBuzz's subsetter, gettext, the pinned fonts: their
# versions are Debian 12's) and SERVE_DEBS (poppler-utils draws the preview's pages).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        python3 python3-venv \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
        fonts-liberation2=2.1.5-1 fonts-noto-core=20201225-1 fonts-noto-cjk=1:20220127+repack1-1 \
        poppler-utils \
    && rm -rf /var/lib/apt/lists/*

# The pinned Python packages (requirements.txt: what the tests and official builds use),
# then the tool itself without dependencies, so that the pins are what runs.
COPY . /tmp/conceptnotes
RUN python3 -m venv /opt/conceptnotes \
    && /opt/conceptnotes/bin/pip install --no-cache-dir --disable-pip-version-check -r /tmp/conceptnotes/requirements.txt \
    && /opt/conceptnotes/bin/pip install --no-cache-dir --disable-pip-version-check --no-deps /tmp/conceptnotes \
    && rm -rf /tmp/conceptnotes

ENV PATH=/opt/conceptnotes/bin:$PATH \
    XDG_CACHE_HOME=/tmp/conceptnotes-cache \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /project
EXPOSE 8000
ENTRYPOINT ["conceptnotes"]
CMD ["build"]
