import os

# Tests see the same one-thread default the app uses, whatever the CI machine says.
os.environ.setdefault("ML101_THREADS", "1")
