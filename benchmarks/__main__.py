"""``python -m benchmarks``: run the benchmark suites and print their tables."""

from __future__ import annotations

import sys

from benchmarks.core import main

sys.exit(main())
