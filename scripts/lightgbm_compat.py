"""Runs LightGBM's own Python tests against ironlearn.boost through a re-export shim.

Usage: python scripts/lightgbm_compat.py TESTS_DIR [--files test_a.py,...] [--keep DIR] [-- PYTEST_ARGS]

TESTS_DIR is a checkout of LightGBM's ``tests/python_package_test`` (with its
``utils.py`` and ``conftest.py``). The shim package ``lightgbm`` (the files
under ``scripts/lightgbm_shim/lightgbm``, which only re-export
``ironlearn.boost``) is copied into a temporary directory that goes first on
PYTHONPATH, so ``import lightgbm`` in the tests gets ironlearn, never an
installed LightGBM (checked before the run). Prints, per file, the passed /
failed / error / skipped counts, then the failures grouped by cause (the
exception type and the first line of its message, with numbers, addresses
and temporary paths normalised), most frequent first.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHIM = HERE / "lightgbm_shim" / "lightgbm"
DEFAULT_FILES = ("test_engine.py", "test_sklearn.py", "test_basic.py", "test_callback.py")


def normalise(message: str) -> str:
    """A short cause: the first line, numbers, addresses and paths replaced, at most 150 characters."""
    line = next((ln.strip() for ln in message.splitlines() if ln.strip()), "(no message)")
    line = re.sub(r"0x[0-9a-fA-F]+", "0x…", line)
    line = re.sub(r"(/[\w.\-]+)+/([\w.\-]+)", r"…/\2", line)  # paths: keep the file name
    line = re.sub(r"(?<![\w.])[-+]?\d+(\.\d+)?([eE][-+]?\d+)?(?![\w])", "N", line)
    line = re.sub(r"\s+", " ", line)
    return line[:150] + ("…" if len(line) > 150 else "")


def file_of(case: ET.Element) -> str:
    """The test file of a junit testcase (a collection error names the module in ``name``)."""
    stems = {f[:-3] for f in ARGS_FILES}
    for part in f"{case.get('classname') or ''}.{case.get('name') or ''}".split("."):
        if part in stems:
            return part + ".py"
    return "?"


ARGS_FILES: tuple = DEFAULT_FILES


def main() -> int:
    global ARGS_FILES
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tests_dir", type=Path)
    ap.add_argument("--files", default=",".join(DEFAULT_FILES), help="comma-separated test files (default: the four)")
    ap.add_argument("--keep", type=Path, help="keep the shim and the junit XML in this directory")
    ap.add_argument("--causes", type=int, default=40, help="how many causes to print (default 40)")
    ap.add_argument("--show-tests", type=int, default=3, help="example test ids printed per cause (default 3)")
    ap.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = ap.parse_args()
    ARGS_FILES = tuple(f.strip() for f in args.files.split(",") if f.strip())

    tests_dir = args.tests_dir.resolve()
    missing = [f for f in (*ARGS_FILES, "utils.py", "conftest.py") if not (tests_dir / f).is_file()]
    if missing:
        print(f"error: {tests_dir} lacks {', '.join(missing)} (give LightGBM's tests/python_package_test)", file=sys.stderr)
        return 2

    work = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="lightgbm-compat-"))
    work.mkdir(parents=True, exist_ok=True)
    shim_root = work / "shim"
    if shim_root.exists():
        shutil.rmtree(shim_root)
    shutil.copytree(SHIM, shim_root / "lightgbm", ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(shim_root), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTHONDONTWRITEBYTECODE"] = "1"

    # The tests must import the shim, not an installed LightGBM.
    probe = subprocess.run(
        [sys.executable, "-c", "import lightgbm, ironlearn.boost; print(lightgbm.__file__)"],
        env=env, capture_output=True, text=True, cwd=work,
    )
    if probe.returncode != 0 or not probe.stdout.strip().startswith(str(shim_root)):
        print(f"error: `import lightgbm` does not get the shim:\n{probe.stdout}{probe.stderr}", file=sys.stderr)
        return 2

    xml = work / "junit.xml"
    cmd = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--continue-on-collection-errors",
        f"--junitxml={xml}", "-o", "junit_family=xunit1", "--rootdir", str(tests_dir.parent),
        *[str(tests_dir / f) for f in ARGS_FILES], *args.pytest_args,
    ]
    print("+", " ".join(cmd), flush=True)
    log = work / "pytest.log"
    with open(log, "w") as out:
        rc = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=work).returncode
    if not xml.is_file():
        print(f"error: pytest wrote no report (exit {rc}); its output is in {log}", file=sys.stderr)
        print(log.read_text()[-3000:], file=sys.stderr)
        return 2

    counts = {f: collections.Counter() for f in ARGS_FILES}
    causes: dict = collections.defaultdict(list)
    for case in ET.parse(xml).getroot().iter("testcase"):
        f = file_of(case)
        counts.setdefault(f, collections.Counter())
        test_id = f"{f[:-3]}::{case.get('name')}"
        bad = case.find("failure")
        err = case.find("error")
        if bad is not None or err is not None:
            node = bad if bad is not None else err
            kind = "failed" if bad is not None else "error"
            counts[f][kind] += 1
            message = node.get("message") or ""
            text = node.text or ""
            if not message or message in ("collection failure", "failed on setup with"):
                # take the last "E   ..." line of the traceback
                e_lines = [ln[1:].strip() for ln in text.splitlines() if ln.startswith("E ")]
                lines = text.strip().splitlines()
                message = e_lines[-1] if e_lines else (lines[-1] if lines else message)
            causes[normalise(message)].append(test_id)
        elif case.find("skipped") is not None:
            counts[f]["skipped"] += 1
        else:
            counts[f]["passed"] += 1

    print(f"\npytest exit status {rc}; report {xml if args.keep else '(temporary)'}\n")
    print(f"{'file':<20} {'passed':>7} {'failed':>7} {'error':>7} {'skipped':>8} {'total':>7}")
    tot = collections.Counter()
    for f, c in counts.items():
        total = sum(c.values())
        tot.update(c)
        print(f"{f:<20} {c['passed']:>7} {c['failed']:>7} {c['error']:>7} {c['skipped']:>8} {total:>7}")
    print(f"{'all':<20} {tot['passed']:>7} {tot['failed']:>7} {tot['error']:>7} {tot['skipped']:>8} {sum(tot.values()):>7}")

    print(f"\nfailures and errors by cause ({len(causes)} causes, {sum(len(v) for v in causes.values())} tests):")
    for cause, tests in sorted(causes.items(), key=lambda kv: (-len(kv[1]), kv[0]))[: args.causes]:
        print(f"{len(tests):>5}  {cause}")
        for t in tests[: args.show_tests]:
            print(f"         {t}")
    if len(causes) > args.causes:
        rest = sorted(causes.items(), key=lambda kv: -len(kv[1]))[args.causes:]
        print(f"  ... {len(rest)} more causes ({sum(len(v) for _, v in rest)} tests)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
