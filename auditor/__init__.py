"""Audit open-weight model families for safety regressions along the supply chain.

Subpackages are imported lazily: importing :mod:`auditor` never pulls torch or transformers.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("supply-chain-auditor")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
