"""ml101: Machine Learning 101 in the terminal.

One import name with three parts, each kept in the repository folder the project started with (pyproject's
`package-dir` maps them): `ml101.engine` (engine/: data, nets, training, attacks; no Textual),
`ml101.tui` (tui/: the app, the headless CLI, the bench) and `ml101.assets` (assets/: data files only).
This file lives in tui/root/ because the package root needs a folder of its own.
"""

import os

# Workshop nets are tiny and camp servers are shared: one BLAS/OpenMP thread per process unless the user
# asked otherwise. It must happen before NumPy is first imported; every part of ml101 is imported through
# this package, so setting it here covers the app, the CLI, scripts and tests alike.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, os.environ.get("ML101_THREADS", "1"))
