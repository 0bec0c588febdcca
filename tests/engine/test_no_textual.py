import pkgutil
import subprocess
import sys

import ml101.engine


def test_engine_imports_without_textual():
    modules = [m.name for m in pkgutil.walk_packages(ml101.engine.__path__, "ml101.engine.")]
    assert "ml101.engine.trainer" in modules and "ml101.engine.nets.numpy_net" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"engine pulled in {out.stdout.strip()}"


def test_numpy_backend_does_not_import_torch():
    code = (
        "import sys\nfrom ml101.engine.trainer import Trainer\nfrom ml101.engine.spec import preset\n"
        "t = Trainer(preset('quick')); t.run(2)\nprint('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
