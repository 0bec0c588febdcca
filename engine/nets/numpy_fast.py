"""The NumPy network of engine/nets/numpy_net.py again, rearranged for speed. Same maths, same results (a test
checks the two follow the same loss curve for every activation, loss, regulariser and optimizer).

Read numpy_net.py to learn; read this to see why a tiny net is slow in plain NumPy and what helps. At the
workshop size (2-25-50-25-1, 900 points) a step is ≈ 14 MFLOP, which one core does in ≈ 0.2 ms; a plain loop
spends as long again allocating arrays and walking them in small NumPy calls. So here:

- every layer's input carries an extra row of ones and every W an extra column holding b: `Wb @ A` is
  W·A + b in one matrix product, and the gradient `dZ @ Aᵀ` yields dW and db together (db = dZ · 1);
- all parameters live in one flat vector (each layer's Wb is a view into it), so does their gradient: the
  optimizer updates everything with a dozen whole-vector operations instead of a dozen per layer;
- the buffers of a training step are allocated once per batch size and written in place (`out=`);
- the backward pass needs only each layer's output A (relu′ is A > 0, tanh′ is 1 − A², σ′ is A(1 − A)),
  so activations overwrite their input and no Z is kept;
- `np.maximum` against a zero array, not the scalar 0: NumPy's scalar path is ≈ 3× slower.

The trainer uses this net for `backend="numpy"` with float32; float64 runs the teaching code itself (the
notebook presets), line by line as in the notebook.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from ml101.engine.hyper import ADAM_BETAS, EPS, LEAKY_SLOPE, MOMENTUM, RMSPROP_ALPHA
from ml101.engine.spec import Experiment

SCRATCH_BYTES = 32 * 2**20


def _nbytes(buf: dict) -> int:
    return sum(a.nbytes for a in buf["A"][1:]) + buf["zeros"].nbytes


class FastNumpyNet:
    def __init__(self, exp: Experiment, params):
        self.dtype = np.dtype(exp.dtype)
        self.hidden = tuple(exp.activations)
        shapes = [np.shape(W) for W, _ in params]  # (out, in) per layer
        self.flat = np.zeros(sum(o * (i + 1) for o, i in shapes), self.dtype)
        self.grad = np.zeros_like(self.flat)
        self.is_weight = np.ones_like(self.flat)  # 0 where the entry is a bias: regularisers leave those alone
        self.Wb, self.dWb = [], []
        start = 0
        for (W, b), (o, i) in zip(params, shapes, strict=True):
            end = start + o * (i + 1)
            Wb = self.flat[start:end].reshape(o, i + 1)
            Wb[:, :i], Wb[:, i] = W, b
            self.is_weight[start:end].reshape(o, i + 1)[:, i] = 0
            self.Wb.append(Wb)
            self.dWb.append(self.grad[start:end].reshape(o, i + 1))
            start = end
        self._work = None  # the training step's buffers, for one batch size
        self._scratches: dict = {}
        self._labels: dict = {}  # id → (labels, labels > 0.5) for the few label sets a trainer uses
        self.optimizer, self.memory, self.t = None, {}, 0
        self.configure(exp)

    def configure(self, exp: Experiment) -> None:
        """Take the live-safe settings; a different optimizer starts with an empty memory (as in numpy_net)."""
        self.loss_name, self.reg, self.reg_rate, self.lr = exp.loss, exp.reg, exp.reg_rate, exp.lr
        if exp.optimizer != self.optimizer:
            self.optimizer, self.memory, self.t = exp.optimizer, {}, 0

    # buffers ----------------------------------------------------------------------------------------------
    def _buffers(self, m: int) -> dict:
        """A[l] is layer l's input with a row of ones under it; D[l] the gradient arriving at A[l]."""
        widths = [Wb.shape[0] for Wb in self.Wb]
        A = [None]
        for o in widths[:-1]:
            a = np.empty((o + 1, m), self.dtype)
            a[o] = 1
            A.append(a)
        width = max(widths)
        return {
            "m": m,
            "A": A,
            "D": [None] + [np.empty((o, m), self.dtype) for o in widths[:-1]],
            "z": np.empty((1, m), self.dtype),
            "zeros": np.zeros((width, m), self.dtype),
            "tmp": np.empty((width, m), self.dtype),
            "mask": np.empty((width, m), bool),
        }

    def _workspace(self, m: int) -> dict:
        if self._work is None or self._work["m"] != m:
            self._work = self._buffers(m)
        return self._work

    def _scratch(self, m: int) -> dict:
        """Buffers for evaluating and predicting, kept per thread (the app draws while its worker trains)
        and per size (the test set every recorded epoch, the map's grid every frame), at most
        SCRATCH_BYTES of them: the oldest go first."""
        key = (threading.get_ident(), m)
        buf = self._scratches.get(key)
        if buf is None:
            buf = self._buffers(m)
            if _nbytes(buf) > SCRATCH_BYTES:
                return buf  # used once and freed
            self._scratches[key] = buf
            while sum(map(_nbytes, self._scratches.values())) > SCRATCH_BYTES:
                self._scratches.pop(next(iter(self._scratches)))
        return buf

    # forward ----------------------------------------------------------------------------------------------
    def _forward(self, X, buf) -> np.ndarray:
        """Fill buf["A"] with every hidden layer's output; return the output logits z (1, m)."""
        A = buf["A"]
        A[0] = X
        for l, name in enumerate(self.hidden):
            o = self.Wb[l].shape[0]
            H = A[l + 1][:o]
            np.matmul(self.Wb[l], A[l], out=H)
            self._activate(name, H, buf)
        return np.matmul(self.Wb[-1], A[-1], out=buf["z"])

    @staticmethod
    def _activate(name: str, H, buf) -> None:
        o = H.shape[0]
        if name == "relu":
            np.maximum(H, buf["zeros"][:o], out=H)
        elif name == "leaky_relu":
            T = buf["tmp"][:o]
            np.multiply(H, 0.01, out=T)
            np.maximum(H, T, out=H)  # max(z, 0.01 z) is z where z > 0, else 0.01 z
        elif name == "tanh":
            np.tanh(H, out=H)
        elif name == "sigmoid":
            _sigmoid(H, out=H)
        # linear: A = Z

    # loss --------------------------------------------------------------------------------------------------
    def _output(self, z, Y, gradient: bool = True):
        """Mean loss (with the regulariser's penalty) and, if asked, dJ/dz.

        Few, whole-vector operations: NumPy's mean and logaddexp cost ≈ 10 µs each on 900 numbers, a sum 1 µs.
        """
        m = z.shape[1]
        dz = None
        if self.loss_name == "bce":
            # mean of max(z, 0) − z·y + log(1 + e^−|z|), the overflow-free form of numpy_net's loss
            e = np.abs(z)
            np.negative(e, out=e)
            np.exp(e, out=e)
            np.log1p(e, out=e)
            loss = (e.sum() + np.maximum(z, 0).sum() - np.vdot(z, Y)) / m
            if gradient:
                dz = _sigmoid_tanh(z)
                dz -= Y
                dz /= m
        else:  # mse
            p = _sigmoid_tanh(z)
            error = p - Y
            loss = 0.5 * np.vdot(error, error) / m
            if gradient:
                dz = error
                dz /= m
                dz *= p
                p -= 1
                dz *= p
                np.negative(dz, out=dz)  # (p − y)/m · p · (1 − p)
        if self.reg == "l1":
            loss += self.reg_rate * float(np.abs(self.flat) @ self.is_weight)
        elif self.reg == "l2":
            loss += self.reg_rate * 0.5 * float((self.flat * self.flat) @ self.is_weight)
        return float(loss), dz

    def _correct(self, z, Y) -> int:
        """How many points land on their label's side. σ(z) > 0.5 exactly when z > 0 (numpy_net compares σ(z)
        with 0.5, which differs only for |z| < 1e-7, where float32 rounds σ(z) to 0.5)."""
        entry = self._labels.get(id(Y))
        if entry is None or entry[0] is not Y:
            if len(self._labels) >= 4:
                self._labels.pop(next(iter(self._labels)))
            entry = self._labels[id(Y)] = (Y, Y > 0.5)  # Y kept alive, so its id cannot be reused
        return int(np.count_nonzero((z > 0) == entry[1]))

    # backward ---------------------------------------------------------------------------------------------
    def _backward(self, dz, buf) -> None:
        """Fill self.grad (every dW and db at once) from dJ/dz."""
        A, D = buf["A"], buf["D"]
        for l in range(len(self.Wb) - 1, -1, -1):
            np.matmul(dz, A[l].T, out=self.dWb[l])  # [dW | db]: the row of ones under A makes the db column
            if l == 0:
                break
            o, i = self.Wb[l].shape[0], self.Wb[l].shape[1] - 1
            W = self.Wb[l][:, :i]
            if o == 1:
                np.multiply(W.T, dz, out=D[l])  # an outer product: broadcasting beats matmul's generic path
            else:
                np.matmul(W.T, dz, out=D[l])
            self._derivative(self.hidden[l - 1], D[l], A[l][:i], buf)
            dz = D[l]
        if self.reg == "l1":
            self.grad += self.reg_rate * np.sign(self.flat) * self.is_weight
        elif self.reg == "l2":
            self.grad += self.reg_rate * self.flat * self.is_weight

    @staticmethod
    def _derivative(name: str, dA, H, buf) -> None:
        """dA ← dA · g′, with g′ written in terms of the layer's output H = g(Z)."""
        o = H.shape[0]
        if name == "relu":
            M = buf["mask"][:o]
            np.greater(H, 0, out=M)
            np.multiply(dA, M, out=dA)
        elif name == "leaky_relu":
            dA *= np.where(H > 0, 1.0, LEAKY_SLOPE).astype(dA.dtype)
        elif name == "tanh":
            T = buf["tmp"][:o]
            np.multiply(H, H, out=T)
            np.subtract(1, T, out=T)
            dA *= T
        elif name == "sigmoid":
            T = buf["tmp"][:o]
            np.subtract(1, H, out=T)
            T *= H
            dA *= T

    # update -----------------------------------------------------------------------------------------------
    def _step(self) -> None:
        """One optimizer step on the flat vector; formulas and order as the classes in numpy_net.py."""
        g, p, mem = self.grad, self.flat, self.memory
        if not mem:
            mem.update(a=np.zeros_like(p), b=np.zeros_like(p), tmp=np.empty_like(p), tmp2=np.empty_like(p))
        tmp, tmp2 = mem["tmp"], mem["tmp2"]
        if self.optimizer == "sgd":
            np.multiply(g, self.lr, out=tmp)
        elif self.optimizer == "momentum":
            v = mem["a"]
            v *= MOMENTUM
            v += g
            np.multiply(v, self.lr, out=tmp)
        elif self.optimizer == "rmsprop":
            s = mem["a"]
            s *= RMSPROP_ALPHA
            np.multiply(g, g, out=tmp)
            tmp *= 1 - RMSPROP_ALPHA
            s += tmp
            np.sqrt(s, out=tmp2)
            tmp2 += EPS
            np.multiply(g, self.lr, out=tmp)
            tmp /= tmp2
        else:  # adam
            beta1, beta2 = ADAM_BETAS
            m, v = mem["a"], mem["b"]
            self.t += 1
            step_size = self.lr / (1 - beta1**self.t)
            v_correction = math.sqrt(1 - beta2**self.t)
            m *= beta1
            np.multiply(g, 1 - beta1, out=tmp)
            m += tmp
            v *= beta2
            np.multiply(g, g, out=tmp)
            tmp *= 1 - beta2
            v += tmp
            np.sqrt(v, out=tmp2)
            tmp2 /= v_correction
            tmp2 += EPS
            np.multiply(m, step_size, out=tmp)
            tmp /= tmp2
        p -= tmp

    # the interface the trainer uses (as NumpyNet) ----------------------------------------------------------
    def train_step(self, X, Y):
        """Forward, backward and update on a batch; the loss and correct count are from before the update."""
        buf = self._workspace(X.shape[1])
        z = self._forward(X, buf)
        loss, dz = self._output(z, Y)
        correct = self._correct(z, Y)
        self._backward(dz, buf)
        self._step()
        return loss, correct

    def gradients(self, X, Y):
        buf = self._buffers(X.shape[1])
        loss, dz = self._output(self._forward(X, buf), Y)
        self._backward(dz, buf)
        return loss, [(Wb[:, :-1].copy(), Wb[:, -1].copy()) for Wb in self.dWb]

    def evaluate(self, X, Y):
        """(loss, accuracy) without changing anything."""
        z = self._forward(X, self._scratch(X.shape[1]))
        return self._output(z, Y, gradient=False)[0], self._correct(z, Y) / z.shape[1]

    def predict(self, X):
        return _sigmoid(self._forward(X, self._scratch(X.shape[1])))[0]

    def neuron(self, X, layer, unit):
        buf = self._scratch(X.shape[1])
        self._forward(X, buf)
        return buf["A"][layer + 1][unit].copy()

    def params(self):
        return [(Wb[:, :-1].astype(np.float64), Wb[:, -1].astype(np.float64)) for Wb in self.Wb]

    def prepare(self, X, y):
        """Points as columns with a row of ones under them (the bias's input), in this net's dtype."""
        X = np.asarray(X)
        Xa = np.empty((X.shape[1] + 1, X.shape[0]), self.dtype)
        Xa[:-1] = X.T
        Xa[-1] = 1
        return Xa, np.asarray(y).reshape(1, -1).astype(self.dtype)


def _sigmoid_tanh(z):
    """σ(z) = (1 + tanh(z/2)) / 2: one stable operation instead of an exp and a division."""
    p = np.multiply(z, 0.5)
    np.tanh(p, out=p)
    p += 1
    p *= 0.5
    return p


def _sigmoid(z, out=None):
    # 1 / (1 + e^-z) as exp(-log(1 + e^-z)), like numpy_net.sigmoid: no overflow for any z
    out = np.negative(z, out=out)
    np.logaddexp(0, out, out=out)
    np.negative(out, out=out)
    return np.exp(out, out=out)
