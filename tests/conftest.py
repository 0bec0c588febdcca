import os

# Tests see the same one-thread default the app uses, whatever the CI machine says.
os.environ.setdefault("ML101_THREADS", "1")

# Before any test module imports NumPy: engine sets one BLAS thread. With BLAS's default threads, the app's
# training thread and BLAS's spinning helpers fight over two cores and the UI tests run ten times slower.
import engine  # noqa: E402, F401
