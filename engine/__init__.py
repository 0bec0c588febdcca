"""ml101's training engine: data, network specs, NumPy and PyTorch backends, attacks.

No Textual here: the engine is usable from scripts, the CLI and tests alike. (The one-BLAS-thread default
is set by the package root, ml101/__init__.py, before anything here imports NumPy.)
"""
