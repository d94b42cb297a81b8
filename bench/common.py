"""What every benchmark driver here shares: worker environments and the record of the machine.

A peer must run at full speed: this host sets ``OPENBLAS_CORETYPE`` and
``OPENBLAS_L2_SIZE`` for old OpenBLAS builds, which hold numpy's BLAS to its
AVX2 kernels, so peers' processes run without them; each worker records the
BLAS and OpenMP libraries threadpoolctl sees, so a table says which kernels
it measured.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def thread_env(threads: int, ours: bool, blas_threads: int | None = None) -> dict:
    """The environment of a worker: every thread pool at `threads` (BLAS at
    `blas_threads` if given); the OpenBLAS overrides kept for ironlearn only."""
    blas = str(threads if blas_threads is None else blas_threads)
    env = {
        **os.environ,
        "OMP_NUM_THREADS": str(threads),
        "RAYON_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": blas,
        "MKL_NUM_THREADS": blas,
    }
    if not ours:
        for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            env.pop(name, None)
    return env


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (VmHWM: unlike ru_maxrss, it starts afresh at exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def pools() -> list[dict]:
    """This process's BLAS and OpenMP libraries (threadpoolctl), or [] without it."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keep = ("user_api", "internal_api", "version", "num_threads", "architecture", "threading_layer", "prefix")
    return [{k: v for k, v in info.items() if k in keep} for info in threadpool_info()]


def describe_pools(infos: list[dict]) -> str:
    """One line for a worker's thread pools: library, version, kernels, threads."""
    return "; ".join(
        sorted(
            {
                f"{i.get('internal_api')} {i.get('version') or Path(i.get('prefix') or '').name}"
                + (f" ({i['architecture']} kernels)" if i.get("architecture") else "")
                + f", {i.get('num_threads')} threads"
                for i in infos
            }
        )
    )


def rotate(xs: list, i: int) -> list:
    """`xs` started at its `i`-th element: who goes first changes every round."""
    i %= len(xs)
    return xs[i:] + xs[:i]


def environment(dists: tuple[str, ...], **extra) -> dict:
    """The machine, the commit, the libraries' versions and the extension measured."""
    from importlib import metadata

    def version(dist):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    cpu = None
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    git = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip()
    ext = sorted((ROOT / "python" / "ironlearn").glob("_native*.so"))
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        **extra,
        "python": platform.python_version(),
        "versions": {d: version(d) or version(d + "-cpu") for d in dists},
        "commit": git + (" (with uncommitted changes)" if dirty else ""),
        "ironlearn_extension": f"{ext[0].name}, {ext[0].stat().st_size / 2**20:.1f} MiB, built {datetime.datetime.fromtimestamp(ext[0].stat().st_mtime).isoformat(timespec='seconds')}" if ext else None,
        "env": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ},
    }
