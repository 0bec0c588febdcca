import engine  # noqa: F401 — one BLAS thread per process before NumPy loads (see engine/__init__.py)
