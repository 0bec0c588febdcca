"""`ml101 bench`'s measurements of the app itself (the engine's live in engine/bench_*.py)."""
