#!/usr/bin/env bash
# Fetches the benchmark data from the package registries into bench/data/
# (ignored by git): flights-3m.parquet from the npm package vega-datasets, and
# Fashion-MNIST from the Debian package dataset-fashion-mnist.
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
ls -la . fashion-mnist
