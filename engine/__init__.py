"""ml101's training engine: data, network specs, NumPy and PyTorch backends, attacks.

No Textual here: the engine is usable from scripts, the CLI and tests alike.
"""

import os

# Workshop nets are tiny and camp servers are shared: one BLAS/OpenMP thread per process unless the
# user asked otherwise. This must happen before NumPy is first imported, hence here.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, os.environ.get("ML101_THREADS", "1"))
