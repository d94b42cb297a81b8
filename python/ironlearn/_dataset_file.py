"""The data files of ``ironlearn.boost.Dataset``: LightGBM's text data files and ironlearn's binary dataset file.

Text data files (``Dataset("train.csv")``) are read with the rules of
LightGBM 4.7's C++ loader (``src/io/dataset_loader.cpp``, ``parser.cpp``,
``metadata.cpp``):

- the format is detected from the first 32 non-empty lines (after the header):
  a ``:`` on the first two lines is LibSVM (zero-based indices, the label
  first), the same number of tabs (else commas) on every line is TSV (CSV);
  anything else (space-separated dense columns included) is refused with
  LightGBM's "Unknown format of training data";
- ``header`` (``has_header``): the first line holds the column names (split on
  tabs and commas); ``label_column`` (``label``) is a column number or
  ``name:<column>`` (default 0); ``weight_column``, ``group_column``,
  ``ignore_column`` and the ``categorical_feature`` parameter count columns
  without the label column, as LightGBM's do. The weight, group and ignored
  columns stay features that no tree can use (all missing), so the feature
  indices and names are LightGBM's;
- values: ``na``, ``nan``, ``null`` and an empty field are missing (NaN),
  ``inf`` is +-1e308, and values within 1e-35 of zero are zero; an absent
  LibSVM entry is 0; a label is a float32. Numbers are read with LightGBM's
  own ``Atof`` arithmetic (digits summed in double, so a number of 17
  digits gets LightGBM's value, not always the nearest double), or correctly
  rounded with ``precise_float_parser=true`` (CSV and TSV values and labels,
  as in LightGBM; LibSVM values and side files always use ``Atof``);
- side files next to the data file, used when they exist and are not empty:
  ``<file>.query`` (rows per query, one a line; ignored when ``group_column``
  is given), ``<file>.weight`` (one weight a line; ignored when
  ``weight_column`` is given), ``<file>.init`` (initial scores, one row a
  line, tab-separated for several classes) and ``<file>.position`` (one
  position id a line, any text; ids are numbered in order of first
  appearance);
- ``<file>.bin``, when it exists and is an ironlearn binary dataset file, is
  read instead of ``<file>`` (LightGBM's rule).

The reader is numpy code, several times slower than LightGBM's threaded C++
one on large files (about 12 s for 100,000 rows of 50 columns of 19-digit
numbers); load large data with pandas or pyarrow where that matters.

Where LightGBM would silently read something else, these readers refuse with
an error naming the file and line: a row with another number of fields than
the first, a blank-looking line of spaces (LightGBM reads a row of zeros), a
LibSVM index below 0, a token that is no number. LibSVM files take as many
features as their largest index (LightGBM guesses from the first lines).

The binary dataset file (``Dataset.save_binary``) holds the data, not
LightGBM's binned format: the magic line ``ironlearn-dataset v1``, one line of
JSON (the Dataset parameters, feature names, categorical features and the
arrays' names, types and shapes), then the raw little-endian arrays: the data
as float64 (rows, features, C order), label float32, and where present weight
float32, init_score float64 (class-major), group int32 (query boundaries) and
position int32. Nothing in it depends on time or on the machine, so equal
Datasets give equal bytes; reading it never unpickles or runs anything, and
a wrong magic, a header that does not describe the arrays, or a truncated file
is refused, naming the problem. Bins are computed again, deterministically,
from the data and the stored parameters when a booster is trained.
"""

from __future__ import annotations

import json
import math
import os
import re
from typing import Any, Optional

import numpy as np

MAGIC = b"ironlearn-dataset v1\n"
_MAGIC_PREFIX = b"ironlearn-dataset v"
LIGHTGBM_BINARY_TOKEN = b"______LightGBM_Binary_File_Token______\n"

#: The arrays of a binary dataset file, in file order, and their types.
_ARRAY_DTYPES = {
    "data": "<f8",
    "label": "<f4",
    "weight": "<f4",
    "init_score": "<f8",
    "group": "<i4",
    "position": "<i4",
}

#: LightGBM's ``kZeroThreshold`` (1e-35f): a value at most this far from 0 is 0.
ZERO_THRESHOLD = float(np.float32(1e-35))

#: LightGBM's names of the data-file parameters (``config_auto.cpp``), the main name first.
ALIASES = {
    "header": ("header", "has_header"),
    "label_column": ("label_column", "label"),
    "weight_column": ("weight_column", "weight"),
    "group_column": ("group_column", "group", "group_id", "query_column", "query", "query_id"),
    "ignore_column": ("ignore_column", "ignore_feature", "blacklist"),
    "categorical_feature": ("categorical_feature", "cat_feature", "categorical_column", "cat_column", "categorical_features"),
    "two_round": ("two_round", "two_round_loading", "use_two_round_loading"),
    "precise_float_parser": ("precise_float_parser",),
    "parser_config_file": ("parser_config_file",),
    "max_bin": ("max_bin", "max_bins"),
    "min_data_in_bin": ("min_data_in_bin",),
    "bin_construct_sample_cnt": ("bin_construct_sample_cnt", "subsample_for_bin"),
    "use_missing": ("use_missing",),
    "zero_as_missing": ("zero_as_missing",),
    "max_bin_by_feature": ("max_bin_by_feature",),
}

#: Parameters that only concern reading a text file (not stored in the binary file).
TEXT_ONLY_PARAMS = frozenset(
    n for k in ("header", "label_column", "weight_column", "group_column", "ignore_column", "two_round", "precise_float_parser", "parser_config_file")
    for n in ALIASES[k]
)

#: The binning parameters a binary file was made with, which loading it cannot change (LightGBM's ``CheckDataset``), and their defaults.
BINARY_FIXED_PARAMS = {"max_bin": 255, "min_data_in_bin": 3, "use_missing": True, "zero_as_missing": False, "bin_construct_sample_cnt": 200000}


def _error(message: str) -> Exception:
    from .boost import LightGBMError  # boost imports this module

    return LightGBMError(message)


def param(params: Optional[dict], main: str, default: Any = None) -> Any:
    """The value of ``main`` in ``params``: its own name first, then LightGBM's aliases in order; ``None`` counts as absent."""
    for name in ALIASES.get(main, (main,)):
        if params and params.get(name) is not None:
            return params[name]
    return default


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    raise _error(f"parameter '{name}' must be true or false, got {value!r}")


def _as_spec(value: Any) -> str:
    """A column parameter as LightGBM's parameter string holds it (a list is joined with commas)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ",".join(str(v) for v in value)
    return str(value).strip()


def _atoi(text: str) -> Optional[int]:
    try:
        return int(text.strip())
    except ValueError:
        return None


# -- reading text ------------------------------------------------------------------


def _read_lines(path: str, skip_header: bool) -> tuple:
    """``(header line or None, [(line number, line), ...])``: lines split on ``\\n`` and ``\\r``, empty ones skipped (LightGBM's TextReader)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise _error(f"Cannot open data file {path}: {e.strerror or e}") from e
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise _error(f"data file {path}, line {line}: not UTF-8 text (byte {e.start}); is it a binary file?") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _error(f"data file {path}, line {line}: holds a NUL byte; a text data file (CSV, TSV or LibSVM) is expected")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = None
    start = 0
    if skip_header and lines:
        header, start = lines[0], 1
    numbered = [(i + 1, ln) for i, ln in enumerate(lines[start:], start) if ln]
    return header, numbered


def _side_lines(path: str) -> Optional[list]:
    """The non-empty lines of a side file, or None where it does not exist or is empty."""
    if not os.path.isfile(path):
        return None
    _, numbered = _read_lines(path, False)
    return numbered or None


def _statistic(line: str) -> tuple:
    return line.count(","), line.count("\t"), line.count(":")


def _data_type(path: str, lines: list) -> str:
    """LightGBM's ``GetDataType``: "csv", "tsv" or "libsvm" from the first lines (trimmed)."""
    sample = [ln.strip(" \f\n\r\t\v") for _, ln in lines[:32]]
    sample = [s for s in sample if s]
    kind = None
    if len(sample) == 1:
        comma, tab, colon = _statistic(sample[0])
        kind = "libsvm" if colon else "tsv" if tab else "csv" if comma else None
    elif sample:
        comma, tab, colon = _statistic(sample[0])
        comma2, tab2, colon2 = _statistic(sample[1])
        if colon or colon2:
            kind = "libsvm"
        elif tab == tab2 and tab > 0:
            kind = "tsv"
        elif comma == comma2 and comma > 0:
            kind = "csv"
        if kind in ("tsv", "csv"):
            for s in sample[2:]:
                c, t, _ = _statistic(s)
                if (kind == "tsv" and t != tab) or (kind == "csv" and c != comma):
                    kind = None
                    break
    if kind is None:
        raise _error(
            "Unknown format of training data. Only CSV, TSV, and LibSVM (zero-based) formatted text files are supported. "
            f"({path}: the first lines have no ':' (LibSVM) and not the same number of tabs or commas (TSV, CSV))"
        )
    return kind


_SPECIAL = {"": np.nan, "na": np.nan, "nan": np.nan, "null": np.nan, "inf": 1e308, "infinity": 1e308}


def _lightgbm_pow(base: float, power: int) -> float:
    """LightGBM's ``Common::Pow`` (the same multiplications, so the same rounding)."""
    if power < 0:
        return 1.0 / _lightgbm_pow(base, -power)
    if power == 0:
        return 1.0
    if power % 2 == 0:
        return _lightgbm_pow(base * base, power // 2)
    if power % 3 == 0:
        return _lightgbm_pow(base * base * base, power // 3)
    return base * _lightgbm_pow(base, power - 1)


def _exponent_scale(expon: int) -> float:
    scale = 1.0
    while expon >= 50:
        scale *= 1e50
        expon -= 50
    while expon >= 8:
        scale *= 1e8
        expon -= 8
    while expon > 0:
        scale *= 10.0
        expon -= 1
    return scale


_SCALES = np.array([_exponent_scale(e) for e in range(309)])


_STRINGS = getattr(np, "strings", np.char)  # numpy >= 2: string ufuncs


def _first_index(mask: np.ndarray) -> np.ndarray:
    """Per row, the first column where ``mask`` is True, else the number of columns."""
    w = mask.shape[1]
    if w == 0:
        return np.zeros(mask.shape[0], dtype=np.int64)
    return np.where(mask.any(axis=1), mask.argmax(axis=1), w).astype(np.int64)


def _accumulate(u: np.ndarray, pos: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``value = value * 10.0 + digit`` over ``count`` digits from column ``pos``, in double as LightGBM's Atof does
    (exact integer sums for the first 15 digits, then each step rounded like its C++)."""
    n, w = u.shape
    flat = u.ravel()
    base = np.arange(n, dtype=np.int64) * w
    exact = np.zeros(n, dtype=np.int64)
    value = None
    for k in range(int(count.max(initial=0))):
        d = flat.take(base + np.minimum(pos + k, w - 1)).astype(np.int64) - 48
        more = count > k
        if k < 15:
            exact = np.where(more, exact * 10 + d, exact)
        else:
            if value is None:
                value = exact.astype(np.float64)
            value = np.where(more, value * 10.0 + d, value)
    return exact.astype(np.float64) if value is None else value


def _fast_atof(tokens: np.ndarray) -> tuple:
    """LightGBM's default ``Common::Atof`` on tokens that start (after a sign) with a digit, '.', 'e' or 'E':
    digits summed in double, the fraction divided by ``Pow(10, digits)``, the exponent (capped at 308) applied by
    repeated products, exactly as its C++ does. Returns ``(values, bad)``: ``bad`` marks tokens Atof does not
    read to their end (they are errors)."""
    n = len(tokens)
    width = tokens.dtype.itemsize // 4
    if n == 0 or width == 0:
        return np.zeros(n), np.zeros(n, dtype=bool)
    u = np.ascontiguousarray(tokens).view(np.uint32).reshape(n, width)
    rows = np.arange(n)
    cols = np.arange(width)[None, :]
    length = (u != 0).sum(axis=1)
    neg = u[:, 0] == 45
    start = (neg | (u[:, 0] == 43)).astype(np.int64)
    nondigit = (u < 48) | (u > 57)
    at = lambda pos: np.where(pos < width, u[rows, np.minimum(pos, width - 1)], 0)  # noqa: E731
    int_end = _first_index(nondigit & (cols >= start[:, None]))
    has_dot = at(int_end) == 46
    frac_start = np.where(has_dot, int_end + 1, int_end)
    frac_end = np.where(has_dot, _first_index(nondigit & (cols >= frac_start[:, None])), int_end)
    c = at(frac_end)
    has_e = (c == 101) | (c == 69)
    exp_sign = np.where(has_e, at(frac_end + 1), 0)
    exp_neg = has_e & (exp_sign == 45)
    exp_start = np.where(has_e, frac_end + 1 + ((exp_sign == 45) | (exp_sign == 43)), frac_end)
    exp_end = np.where(has_e, _first_index(nondigit & (cols >= exp_start[:, None])), frac_end)
    bad = exp_end != length
    value = _accumulate(u, start, int_end - start)
    nn = frac_end - frac_start
    right = _accumulate(u, frac_start, nn)
    expon = np.zeros(n, dtype=np.uint32)  # C++ uint32_t: wraps, then capped at 308
    flat = u.ravel()
    base = rows.astype(np.int64) * width
    for k in range(int((exp_end - exp_start).max(initial=0))):
        d = flat.take(base + np.minimum(exp_start + k, width - 1)) - np.uint32(48)
        expon = np.where((exp_end - exp_start) > k, expon * np.uint32(10) + d, expon).astype(np.uint32)
    pows = np.array([_lightgbm_pow(10.0, int(k)) for k in range(int(nn.max(initial=0)) + 1)])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value = value + right / pows[nn]
        scale = _SCALES[np.minimum(expon, 308).astype(np.int64)]
        out = np.where(neg, -1.0, 1.0) * np.where(exp_neg, value / scale, value * scale)
    return out, bad


def _to_float(tokens: list, path: str, where, precise: bool = False) -> np.ndarray:
    """Tokens as float64, read as LightGBM's ``Atof`` reads them (``precise``: its ``AtofPrecise``, correctly
    rounded); na, nan, null and an empty token are NaN, inf is +-1e308; ``where(i)`` names token i in errors."""
    arr = np.asarray(tokens, dtype=np.str_)
    if arr.size == 0:
        return np.zeros(0, dtype=np.float64)
    n = arr.size
    width = arr.dtype.itemsize // 4
    u = arr.view(np.uint32).reshape(n, width) if width else np.zeros((n, 0), dtype=np.uint32)
    if width and (u == 32).any():
        arr = _STRINGS.strip(arr, " ")
        width = arr.dtype.itemsize // 4
        u = arr.view(np.uint32).reshape(n, width) if width else np.zeros((n, 0), dtype=np.uint32)
    if width and (u > 127).any():
        i = int(np.flatnonzero((u > 127).any(axis=1))[0])
        raise _error(f"Unknown token {str(arr[i])!r} in data file {path}, {where(i)}")
    out = np.zeros(n, dtype=np.float64)
    if width:
        signed = (u[:, 0] == 45) | (u[:, 0] == 43)
        lead = np.where(signed, u[:, min(1, width - 1)] if width > 1 else 0, u[:, 0])
        lead = np.where(signed & (width < 2), 0, lead)
    else:
        lead = np.zeros(n, dtype=np.uint32)
    numeric = ((lead >= 48) & (lead <= 57)) | (lead == 46) | (lead == 101) | (lead == 69)
    idx = np.flatnonzero(numeric)
    if idx.size:
        vals, bad = _fast_atof(arr[idx])
        if bad.any():
            i = int(idx[np.flatnonzero(bad)[0]])
            raise _error(f"Unknown token {str(arr[i])!r} in data file {path}, {where(i)}: not a number")
        if precise:
            try:
                vals = arr[idx].astype(np.float64)  # correctly rounded, as LightGBM's fast_double_parser
            except ValueError:
                pass  # forms only LightGBM's Atof reads ("1e", "."): its value
        out[idx] = vals
    other = np.flatnonzero(~numeric)
    if other.size:
        words, inverse = np.unique(arr[other], return_inverse=True)
        word_vals = np.empty(len(words))
        for j, token in enumerate(words.tolist()):
            word = token.lstrip("+-").lower()
            if word not in _SPECIAL:
                raise _error(f"Unknown token {token!r} in data file {path}, {where(int(other[np.flatnonzero(inverse == j)[0]]))}")
            word_vals[j] = -_SPECIAL[word] if token.startswith("-") else _SPECIAL[word]
        out[other] = word_vals[inverse.ravel()]
    with np.errstate(invalid="ignore"):
        out[np.isposinf(out)] = 1e308  # an overflowing number: LightGBM's Atof caps exponents at 308
        out[np.isneginf(out)] = -1e308
    return out


class TextData:
    """What a text data file holds: ``x`` (float64 rows x features), ``label`` (float32, None without a label column),
    ``weight`` (float32), ``group`` (int32 rows per query), ``init_score`` (float64, class-major), ``position`` (int32),
    ``feature_name`` (from the header, else None), ``categorical`` (feature indices from the ``categorical_feature`` parameter, else None)."""

    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)


def _column(params: dict, main: str, names: Optional[list], path: str, what: str) -> Optional[int]:
    spec = param(params, main)
    if spec is None or _as_spec(spec) == "":
        return None
    spec = _as_spec(spec)
    if spec.startswith("name:"):
        name = spec[len("name:"):]
        if not names or name not in names:
            raise _error(f"Could not find {what} column {name} in data file {path}" + ("" if names else " (the file has no header: set header=true)"))
        return names.index(name)
    idx = _atoi(spec)
    if idx is None:
        raise _error(f"{main} is not a number, if you want to use a column name, please add the prefix \"name:\" to the column name (got {spec!r})")
    return idx


def _columns(params: dict, main: str, names: Optional[list], path: str, what: str) -> Optional[list]:
    spec = param(params, main)
    if spec is None or _as_spec(spec) == "":
        return None
    spec = _as_spec(spec)
    out = []
    if spec.startswith("name:"):
        for name in [t for t in spec[len("name:"):].split(",") if t]:
            if not names or name not in names:
                raise _error(f"Could not find {what} {name} in data file {path}" + ("" if names else " (the file has no header: set header=true)"))
            out.append(names.index(name))
    else:
        for token in [t for t in spec.split(",") if t]:
            idx = _atoi(token)
            if idx is None:
                raise _error(f"{main} is not a number, if you want to use a column name, please add the prefix \"name:\" to the column name (got {token!r})")
            out.append(idx)
    return out


def check_parser_config(params: Optional[dict]) -> None:
    """``parser_config_file``: LightGBM's custom parsers are C++ classes registered in its library; ironlearn has none."""
    cfg = param(params, "parser_config_file")
    if cfg is None or str(cfg) == "":
        return
    cfg = os.fspath(cfg)
    if not os.path.isfile(cfg):
        return  # LightGBM reads nothing from a missing file and parses the data file itself
    with open(cfg, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    if not text.strip():
        return
    try:
        class_name = json.loads(text).get("className", "")
    except (ValueError, AttributeError):
        raise _error(f"parser_config_file {cfg}: not a JSON object") from None
    raise _error(
        f"Cannot find parser class '{class_name}', please register first or check config format. "
        f"(parser_config_file {cfg}: ironlearn.boost has no custom parser classes; LightGBM's are C++ plug-ins "
        "compiled into its library. Parse the file in Python and pass the arrays to Dataset.)"
    )


def read_text(path: str, params: Optional[dict], num_feature: Optional[int] = None, side_files: bool = True) -> TextData:
    """Reads a CSV, TSV or LibSVM data file as LightGBM's loader does (see the module docstring).

    ``num_feature`` is the reference Dataset's number of features for a
    validation file (LightGBM's ``LoadFromFileAlignWithOtherDataset``): a file
    with that many columns then has no label column.
    """
    params = params or {}
    check_parser_config(params)
    header = _as_bool("header", param(params, "header", False))
    precise = _as_bool("precise_float_parser", param(params, "precise_float_parser", False))
    header_line, lines = _read_lines(path, header)
    if not lines:
        raise _error(f"Data file {path} is empty" + (" (it has only its header line)" if header_line else ""))
    kind = _data_type(path, lines)
    names = [n for n in re.split("[\t,]", header_line) if n] if header_line is not None else None  # Common::Split drops empty names

    label_idx = 0
    spec = param(params, "label_column")
    if spec is not None and _as_spec(spec) != "":
        spec = _as_spec(spec)
        if spec.startswith("name:"):
            name = spec[len("name:"):]
            if not names or name not in names:
                raise _error(f"Could not find label column {name} in data file {path} or data file doesn't contain header")
            label_idx = names.index(name)
        else:
            label_idx = _atoi(spec)
            if label_idx is None:
                raise _error(f"label_column is not a number, if you want to use a column name, please add the prefix \"name:\" to the column name (got {spec!r})")
    if names is not None and 0 <= label_idx < len(names):
        names = names[:label_idx] + names[label_idx + 1:]

    first = lines[0][1].strip(" \f\n\r\t\v")
    if kind == "libsvm":
        if label_idx > 0:
            raise _error(f"Label should be the first column in a LibSVM file ({path}; label_column={label_idx})")
        if num_feature is not None:
            space = re.search(r"[ \f\n\r\t\v]", first)
            colon = first.find(":")
            if space is not None and colon >= 0 and space.start() > colon:
                label_idx = -1  # LightGBM: the first token is a feature, so the file has no label
        x, label = _parse_libsvm(path, lines, label_idx >= 0, num_feature, precise)
    else:
        sep = "," if kind == "csv" else "\t"
        if num_feature is not None and len([t for t in first.split(sep) if t]) == num_feature:
            label_idx = -1
        x, label = _parse_delimited(path, lines, sep, label_idx, precise)
    n, m = x.shape
    if num_feature is not None and m != num_feature:
        raise _error(f"data file {path} has {m} features, but the reference Dataset has {num_feature}: a validation file needs the training data's columns")
    if names is not None and num_feature is None and len(names) != m:
        raise _error(f"Size of feature name error, should be {m}, got {len(names)} (the header of {path} names {len(names)} feature columns, the rows hold {m})")

    # Feature-space columns (the label column not counted), LightGBM's SetHeader.
    fnames = names if num_feature is None else None
    weight_idx = _column(params, "weight_column", fnames, path, "weight")
    group_idx = _column(params, "group_column", fnames, path, "group/query")
    ignored = set(_columns(params, "ignore_column", fnames, path, "ignore column") or ())
    categorical = _columns(params, "categorical_feature", fnames, path, "categorical_feature")
    for what, idx in (("weight_column", weight_idx), ("group_column", group_idx)):
        if idx is not None and not 0 <= idx < m:
            raise _error(f"{what}={idx} is out of range: {path} has {m} feature columns (numbered from 0 without the label column)")
    for idx in ignored:
        if not 0 <= idx < m:
            raise _error(f"ignore_column {idx} is out of range: {path} has {m} feature columns (numbered from 0 without the label column)")
    weight = group = None
    if weight_idx is not None:
        weight = x[:, weight_idx].astype(np.float32)
        ignored.add(weight_idx)
    if group_idx is not None:
        qid = x[:, group_idx]
        bad = np.flatnonzero(~np.isfinite(qid))
        if bad.size:
            raise _error(f"data file {path}, line {lines[int(bad[0])][0]}: the query id (group_column {group_idx}) is missing")
        group = _runs(qid.astype(np.int64))
        ignored.add(group_idx)
    if ignored:
        x[:, sorted(ignored)] = np.nan  # LightGBM keeps these columns as unused features

    init_score = position = None
    if side_files:
        if weight is None:
            side = _side_lines(path + ".weight")
            if side is not None:
                weight = _avoid_inf(_to_float([t for _, t in side], path + ".weight", lambda i: f"line {side[i][0]}").astype(np.float32))
                if len(weight) != n:
                    raise _error(f"Weights size doesn't match data size: {path}.weight has {len(weight)} weights, {path} has {n} rows")
        if group is None:
            side = _side_lines(path + ".query")
            if side is not None:
                group = np.empty(len(side), dtype=np.int32)
                for i, (no, t) in enumerate(side):
                    v = _atoi(t)
                    if v is None or v < 0:
                        raise _error(f"{path}.query, line {no}: {t!r} is not a number of rows")
                    group[i] = v
                if int(group.sum(dtype=np.int64)) != n:
                    raise _error(f"Query size doesn't match data size: the queries of {path}.query hold {int(group.sum(dtype=np.int64))} rows, {path} has {n}")
        init_score = read_init_file(path + ".init", n)
        side = _side_lines(path + ".position")
        if side is not None:
            if len(side) != n:
                raise _error(f"Positions size ({len(side)}) doesn't match data size ({n}): {path}.position has {len(side)} lines, {path} has {n} rows")
            position = encounter_ids([t for _, t in side])
    return TextData(x=x, label=label, weight=weight, group=group, init_score=init_score, position=position, feature_name=fnames, categorical=categorical)


def read_init_file(path: str, n: int) -> Optional[np.ndarray]:
    """``<file>.init``: one line a row, tab-separated scores for several classes; class-major float64 (LightGBM's layout)."""
    side = _side_lines(path)
    if side is None:
        return None
    rows = [[v for v in t.split("\t") if v] for _, t in side]
    k = len(rows[0])
    for (no, _), r in zip(side, rows):
        if len(r) != k:
            raise _error(f"Invalid initial score file. Redundant or insufficient columns: {path}, line {no} has {len(r)} scores, the first line {k}")
    flat = [t for r in rows for t in r]
    vals = _to_float(flat, path, lambda i: f"line {side[i // k][0]}").reshape(len(rows), k)
    if len(rows) != n:
        raise _error(f"Initial score size doesn't match data size: {path} has {len(rows)} lines for {n} rows")
    return _avoid_inf(np.ascontiguousarray(vals.T).ravel(), 1e300)


def _runs(qid: np.ndarray) -> np.ndarray:
    """Rows per query from a query id per row: a new query starts where the id changes (LightGBM's CalculateQueryBoundaries)."""
    if qid.size == 0:
        return np.zeros(0, dtype=np.int32)
    starts = np.r_[0, np.flatnonzero(qid[1:] != qid[:-1]) + 1, qid.size]
    return np.diff(starts).astype(np.int32)


def encounter_ids(values) -> np.ndarray:
    """Each value's rank among the distinct values in order of first appearance, as int32 (LightGBM's position ids)."""
    arr = np.asarray(values)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int32)
    _, first, inverse = np.unique(arr, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.ravel()].astype(np.int32)


def _avoid_inf(a: np.ndarray, limit: Optional[float] = None) -> np.ndarray:
    """LightGBM's ``Common::AvoidInf``: NaN becomes 0, values beyond +-1e38 (float32) or +-1e300 (float64) are clipped."""
    if limit is None:
        limit = 1e38 if a.dtype == np.float32 else 1e300
    a = np.array(a, copy=True)
    a[np.isnan(a)] = 0
    lim = a.dtype.type(limit)
    np.clip(a, -lim, lim, out=a)
    return a


def _parse_delimited(path: str, lines: list, sep: str, label_idx: int, precise: bool) -> tuple:
    for no, ln in lines:
        if not ln.strip(" "):
            raise _error(f"data file {path}, line {no}: the line has only spaces (LightGBM reads it as a row of zeros); remove it")
    rows = [ln.split(sep) for _, ln in lines]
    ncol = len(rows[0])
    for (no, _), r in zip(lines, rows):
        if len(r) != ncol:
            raise _error(f"data file {path}, line {no}: {len(r)} fields, but the first data line (line {lines[0][0]}) has {ncol}")
    flat = [t for r in rows for t in r]
    vals = _to_float(flat, path, lambda i: f"line {lines[i // ncol][0]}, column {i % ncol}", precise).reshape(len(rows), ncol)
    label = None
    if 0 <= label_idx < ncol:
        with np.errstate(over="ignore"):
            label = vals[:, label_idx].astype(np.float32)
        vals = np.delete(vals, label_idx, axis=1)
    elif label_idx >= ncol:
        raise _error(f"label_column={label_idx} is out of range: {path} has {ncol} columns")
    x = np.ascontiguousarray(vals, dtype=np.float64)
    x[np.abs(x) <= ZERO_THRESHOLD] = 0.0
    return x, label


def _parse_libsvm(path: str, lines: list, has_label: bool, num_feature: Optional[int], precise: bool) -> tuple:
    label_tokens = []
    row_of, col_tokens, val_tokens = [], [], []
    for r, (no, ln) in enumerate(lines):
        parts = ln.split()
        if not parts:
            raise _error(f"data file {path}, line {no}: the line has only spaces (LightGBM reads it as a row of zeros); remove it")
        if has_label:
            if ":" in parts[0]:
                raise _error(f"data file {path}, line {no}: the line starts with {parts[0]!r}, but a LibSVM line starts with its label")
            label_tokens.append(parts[0])
            parts = parts[1:]
        for p in parts:
            idx, colon, val = p.partition(":")
            if not colon:
                raise _error(f"Input format error when parsing as LibSVM: data file {path}, line {no}: {p!r} is not index:value")
            row_of.append(r)
            col_tokens.append(idx)
            val_tokens.append(val)
    n = len(lines)
    cols = np.empty(len(col_tokens), dtype=np.int64)
    for i, t in enumerate(col_tokens):
        v = _atoi(t)
        if v is None or v < 0:
            raise _error(f"data file {path}, line {lines[row_of[i]][0]}: feature index {t!r} is not a number >= 0 (LibSVM indices are zero-based)")
        cols[i] = v
    vals = _to_float(val_tokens, path, lambda i: f"line {lines[row_of[i]][0]}, feature {col_tokens[i]}")
    rows = np.asarray(row_of, dtype=np.int64)
    m = int(cols.max()) + 1 if cols.size else 0
    if num_feature is not None:
        if m > num_feature:
            import warnings

            keep = cols < num_feature
            warnings.warn(
                f"{path}: {int((~keep).sum())} entries have a feature index >= {num_feature}, the reference Dataset's number of "
                "features; they are left out, as LightGBM does",
                UserWarning,
                stacklevel=4,
            )
            rows, cols, vals = rows[keep], cols[keep], vals[keep]
        m = num_feature
    from .boost import _check_densify

    _check_densify(n, m)
    x = np.zeros((n, m), dtype=np.float64)
    x[rows, cols] = vals
    x[np.abs(x) <= ZERO_THRESHOLD] = 0.0
    label = None
    if has_label:
        with np.errstate(over="ignore"):
            label = _to_float(label_tokens, path, lambda i: f"line {lines[i][0]} (label)", precise).astype(np.float32)
    return x, label


# -- the binary dataset file -------------------------------------------------------


def sniff(path: str) -> str:
    """``"ironlearn"``, ``"lightgbm"`` (LightGBM's binned binary file) or ``"text"``, from the first bytes."""
    with open(path, "rb") as f:
        head = f.read(len(LIGHTGBM_BINARY_TOKEN))
    if head.startswith(_MAGIC_PREFIX):
        return "ironlearn"
    if head == LIGHTGBM_BINARY_TOKEN:
        return "lightgbm"
    return "text"


def write_binary(filename: str, *, header: dict, arrays: list) -> None:
    """Writes the magic line, ``header`` (compact JSON, sorted keys) and ``arrays`` (``[(name, array), ...]``, file order)."""
    specs = []
    for name, a in arrays:
        dt = np.dtype(_ARRAY_DTYPES[name])
        specs.append({"name": name, "dtype": dt.str, "shape": [int(s) for s in np.shape(a)]})
    header = {**header, "arrays": specs}
    try:
        head = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise _error(f"Cannot write binary data to {filename}: the Dataset parameters cannot be stored as JSON ({e})") from None
    try:
        with open(filename, "wb") as f:
            f.write(MAGIC)
            f.write(head.encode("ascii") + b"\n")
            for (name, a), spec in zip(arrays, specs):
                a = np.ascontiguousarray(a, dtype=np.dtype(spec["dtype"]))
                if a.size:
                    f.write(memoryview(a).cast("B"))
    except OSError as e:
        try:
            os.remove(filename)  # no truncated file is left behind
        except OSError:
            pass
        raise _error(f"Cannot write binary data to {filename}: {e.strerror or e}") from e


def read_binary(path: str) -> tuple:
    """``(header, {name: array})`` of an ironlearn binary dataset file, every part checked against the header."""
    def bad(what: str) -> Exception:
        return _error(f"{path} is not a valid ironlearn binary dataset file: {what}")

    size = os.path.getsize(path)
    with open(path, "rb") as f:
        magic = f.read(len(MAGIC))
        if magic != MAGIC:
            if magic.startswith(_MAGIC_PREFIX):
                version = magic[len(_MAGIC_PREFIX):].split(b"\n")[0].decode("ascii", "replace")
                raise _error(f"{path}: ironlearn binary dataset file version {version} is not supported (this ironlearn reads version 1)")
            raise bad(f"it does not start with {MAGIC!r}")
        line = f.readline(size)
        if not line.endswith(b"\n"):
            raise bad("the file is truncated inside its JSON header")
        try:
            header = json.loads(line.decode("ascii"))
        except (UnicodeDecodeError, ValueError) as e:
            raise bad(f"its header is not JSON ({e})") from None
        if not isinstance(header, dict):
            raise bad("its header is not a JSON object")
        n, m = header.get("num_data"), header.get("num_feature")
        if not (isinstance(n, int) and isinstance(m, int) and n >= 0 and m >= 0) or isinstance(n, bool) or isinstance(m, bool):
            raise bad(f"num_data and num_feature must be integers >= 0, got {n!r} and {m!r}")
        names = header.get("feature_name")
        if not (isinstance(names, list) and len(names) == m and all(isinstance(s, str) for s in names)):
            raise bad(f"feature_name must be a list of {m} strings")
        if not isinstance(header.get("params", {}), dict):
            raise bad("params must be a JSON object")
        specs = header.get("arrays")
        if not isinstance(specs, list) or not specs:
            raise bad("the header lists no arrays")
        expected_order = list(_ARRAY_DTYPES)
        seen = []
        total = 0
        for spec in specs:
            if not isinstance(spec, dict) or spec.get("name") not in _ARRAY_DTYPES:
                raise bad(f"unknown array {spec!r}")
            name = spec["name"]
            if name in seen or (seen and expected_order.index(name) < expected_order.index(seen[-1])):
                raise bad(f"array {name!r} is repeated or out of order")
            seen.append(name)
            if spec.get("dtype") != np.dtype(_ARRAY_DTYPES[name]).str:
                raise bad(f"array {name!r} has type {spec.get('dtype')!r}, expected {np.dtype(_ARRAY_DTYPES[name]).str!r}")
            shape = spec.get("shape")
            if not (isinstance(shape, list) and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape)):
                raise bad(f"array {name!r} has shape {shape!r}")
            want = {"data": [n, m], "label": [n], "weight": [n], "position": [n]}.get(name)
            if want is not None and shape != want:
                raise bad(f"array {name!r} has shape {shape}, but num_data={n}, num_feature={m} need {want}")
            if name == "init_score" and (len(shape) != 1 or n == 0 or shape[0] == 0 or shape[0] % n):
                raise bad(f"init_score has shape {shape}: a multiple of num_data={n} values is needed")
            if name == "group" and (len(shape) != 1 or shape[0] < 2):
                raise bad(f"group (query boundaries) has shape {shape}")
            total += math.prod(shape) * np.dtype(_ARRAY_DTYPES[name]).itemsize
        if seen[:2] != ["data", "label"]:
            raise bad("the data and label arrays are missing")
        left = size - f.tell()
        if left < total:
            raise _error(f"{path}: the binary dataset file is truncated: its header announces {total} bytes of arrays, the file holds {left}")
        if left > total:
            raise bad(f"{left - total} bytes follow the arrays its header announces")
        out = {}
        for spec in specs:
            dt = np.dtype(spec["dtype"])
            count = math.prod(spec["shape"])
            buf = f.read(count * dt.itemsize)
            if len(buf) != count * dt.itemsize:
                raise _error(f"{path}: the binary dataset file is truncated in array {spec['name']!r}")
            out[spec["name"]] = np.frombuffer(buf, dtype=dt).astype(dt.newbyteorder("="), copy=True).reshape(spec["shape"])
    g = out.get("group")
    if g is not None and (g[0] != 0 or g[-1] != n or np.any(np.diff(g) < 0)):
        raise bad("group (query boundaries) must rise from 0 to num_data")
    p = out.get("position")
    if p is not None and p.size and p.min() < 0:
        raise bad("position ids must be >= 0")
    return header, out
