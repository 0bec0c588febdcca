"""A small install (`pip install ml101`, no PyTorch): the engine trains, attacks and says how to add torch.

Each test runs in a fresh Python whose code starts by setting sys.modules["torch"] = None: `import torch`
then raises ImportError and importlib.util.find_spec("torch") says None, as on a machine without torch,
while this venv keeps torch for the other tests.
"""

import json
import subprocess
import sys
import tempfile

HIDE_TORCH = 'import sys; sys.modules["torch"] = None\n'


def run_without_torch(code: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as folder:  # a file written by mistake lands there, not in the project
        return subprocess.run([sys.executable, "-c", HIDE_TORCH + code], capture_output=True, text=True,
                              timeout=300, cwd=folder)


def last_json(done: subprocess.CompletedProcess) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_hiding_torch_looks_like_a_machine_without_it():
    done = run_without_torch(
        "import importlib.util, json\n"
        "from ml101.engine.nets import has_torch\n"
        "try:\n    import torch  # noqa\n    imported = True\nexcept ImportError:\n    imported = False\n"
        "print(json.dumps([imported, importlib.util.find_spec('torch') is None, has_torch()]))\n"
    )
    assert last_json(done) == [False, True, False]


def test_attack_lab_poisons_and_steals_on_numpy():
    done = run_without_torch(
        "import json\n"
        "from ml101.engine.attacks.lab import recipe\n"
        "from ml101.engine.attacks.poison_lab import poison_run, poison_sweep\n"
        "from ml101.engine.attacks.steal import steal_run\n"
        "from ml101.engine.nets.stacked import path_name\n"
        "from ml101.engine.victim import load_victim\n"
        "exp = recipe(epochs=100)\n"
        "clean = poison_run('random', 0.0, seeds=2, exp=exp)\n"
        "sweep = poison_sweep('random', [0.0, 0.5], seeds=2, exp=exp)\n"
        "stolen = steal_run('uniform', 200, seeds=1, exp=exp, victim=load_victim())\n"
        "print(json.dumps(dict(path=path_name(exp), notebook=path_name(recipe('notebook')),\n"
        "    clean=clean.poisoned_test_accuracy, sweep=[p.poisoned_test_accuracy for p in sweep],\n"
        "    fidelity=stolen.to_dict()['fidelity_test'], torch=sys.modules['torch'])))\n"
    )
    result = last_json(done)
    assert result["path"] == result["notebook"] == "numpy"
    assert result["torch"] is None  # nothing tried to import torch past the None
    assert result["clean"] >= 0.9  # 100 epochs of the fast recipe already fit the moons
    assert result["sweep"][0] >= 0.9 and result["sweep"][1] < result["sweep"][0]  # half the labels flipped hurts
    assert result["fidelity"] >= 0.8  # 200 queries copy the victim well, stolen on NumPy alone


def test_torch_backend_export_and_cuda_say_how_to_add_pytorch():
    done = run_without_torch(
        "import json\n"
        "from ml101.engine.errors import SpecError\n"
        "from ml101.engine.export import export_torch\n"
        "from ml101.engine.nets.stacked import pick_device\n"
        "from ml101.engine.spec import preset\n"
        "from ml101.engine.trainer import Trainer\n"
        "lines, trainer = [], Trainer(preset('quick'))\n"
        "for attempt in (lambda: Trainer(preset('notebook-torch')), lambda: trainer.change(backend='torch'),\n"
        "                lambda: pick_device('cuda'), lambda: export_torch('never-written.pt', trainer)):\n"
        "    try:\n        attempt()\n    except SpecError as error:\n        lines.append(str(error))\n"
        "print(json.dumps([lines, trainer.exp.backend, type(trainer.net).__name__]))\n"
    )
    install = 'which is not installed: pip install "ml101[torch]"'
    lines, backend, net = last_json(done)
    assert lines == [
        f"backend: torch needs PyTorch, {install}",
        f"backend: torch needs PyTorch, {install}",  # the settings field: refused before anything changes
        f"device: cuda needs PyTorch, {install}",
        f"export: a PyTorch state_dict needs PyTorch, {install}",
    ]
    assert (backend, net) == ("numpy", "FastNumpyNet")  # the refused change left the trainer as it was


def test_the_numpy_path_never_imports_torch_when_it_is_installed():
    # torch installed but the NumPy path chosen, device cpu: neither the stack nor the choice may import torch
    code = (
        "import sys\nfrom ml101.engine.attacks.lab import recipe, workshop_split\n"
        "from ml101.engine.nets import has_torch, stacked\n"
        "stacked.CPU_PATH = 'numpy'\n"
        "d = workshop_split()\n"
        "exp = recipe(epochs=2, device='cpu')\n"
        "stack = stacked.train_stacked(exp, d.X_train, d.y_train, [0, 1])\n"
        "print(has_torch(), stacked.uses_torch(exp), stack.path, 'torch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "numpy", "False"]
