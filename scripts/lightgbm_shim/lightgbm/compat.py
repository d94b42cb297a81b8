"""Re-export shim for LightGBM's test suite (scripts/lightgbm-compat.sh): no logic of its own.

Every name comes from ironlearn.boost, so `import lightgbm` runs ironlearn.
"""

import ironlearn.boost as _impl

globals().update({_k: _v for _k, _v in vars(_impl).items() if not (_k.startswith("__") and _k.endswith("__"))})
__all__ = list(_impl.__all__)
