"""`ml101 bench`'s measurement harness: training speed, attack sweeps, the GPU, the app in a terminal."""
