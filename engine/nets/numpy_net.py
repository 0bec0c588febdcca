"""A neural network from scratch in NumPy — the workshop's first notebook, written to be read top to bottom.

The network is a list of layers. Layer l computes

    Z[l] = W[l] · A[l-1] + b[l]        A[l] = g(Z[l])

where A[0] is the input (one column per data point), g is the layer's activation and the last layer uses the
sigmoid, so the output is a probability for class 1. Training repeats three steps:

    1. forward:   push the inputs through all layers, remember what we need for step 2
    2. backward:  the chain rule, from the loss back to every W and b (dA → dZ → dW, db, dA_prev)
    3. update:    nudge every parameter against its gradient (the optimizer decides how far)

`engine/nets/torch_net.py` does the same with PyTorch's autograd; a test checks both agree to 1e-6.
"""

from __future__ import annotations

import math

import numpy as np

from ml101.engine.hyper import ADAM_BETAS, EPS, LEAKY_SLOPE, MOMENTUM, RMSPROP_ALPHA
from ml101.engine.spec import Experiment

# ---------------------------------------------------------------------------------------------------------
# Activations and their derivatives. Each derivative takes Z (the layer's input) and A = g(Z).


def sigmoid(Z):
    # 1 / (1 + e^-Z), written with logaddexp so that a huge |Z| cannot overflow.
    return np.exp(-np.logaddexp(0, -Z))


ACTIVATIONS = {
    # name: (g(Z), g'(Z) given Z and A)
    "relu": (lambda Z: np.maximum(Z, 0), lambda Z, A: (Z > 0).astype(Z.dtype)),
    "leaky_relu": (lambda Z: np.where(Z > 0, Z, LEAKY_SLOPE * Z),
                   lambda Z, A: np.where(Z > 0, 1.0, LEAKY_SLOPE).astype(Z.dtype)),
    "tanh": (np.tanh, lambda Z, A: 1 - A**2),
    "sigmoid": (sigmoid, lambda Z, A: A * (1 - A)),
    "linear": (lambda Z: Z, lambda Z, A: np.ones_like(Z)),
}


# ---------------------------------------------------------------------------------------------------------
# Initialisation: where the weights start decides where training can go.


def init_params(exp: Experiment) -> list[tuple[np.ndarray, np.ndarray]]:
    """Initial (W, b) for every layer, as float64, drawn from one seeded generator.

    notebook: W, b ~ N(0, 1) · 0.1, drawn layer by layer exactly like notebook 1 (np.random.seed(seed)).
    torch:    W, b ~ U(-1/√n_in, 1/√n_in), PyTorch's default for nn.Linear (notebook 2).
    he:       W ~ N(0, 2/n_in), b = 0 — keeps ReLU signals from shrinking layer after layer.
    xavier:   W ~ N(0, 2/(n_in + n_out)), b = 0 — the same idea for tanh and sigmoid.
    """
    rng = np.random.RandomState(exp.seed)
    sizes = (2, *exp.layers, 1)
    params = []
    for n_in, n_out in zip(sizes, sizes[1:], strict=False):
        if exp.init == "notebook":
            W = rng.randn(n_out, n_in) * 0.1
            b = rng.randn(n_out, 1)[:, 0] * 0.1
        elif exp.init == "torch":
            bound = 1 / np.sqrt(n_in)
            W = rng.uniform(-bound, bound, size=(n_out, n_in))
            b = rng.uniform(-bound, bound, size=n_out)
        elif exp.init == "he":
            W, b = rng.randn(n_out, n_in) * np.sqrt(2 / n_in), np.zeros(n_out)
        else:  # xavier
            W, b = rng.randn(n_out, n_in) * np.sqrt(2 / (n_in + n_out)), np.zeros(n_out)
        params.append((W, b))
    return params


# ---------------------------------------------------------------------------------------------------------
# Optimizers: how a gradient becomes a step. Each keeps whatever memory it needs per parameter.


class SGD:
    """Plain gradient descent: θ ← θ − lr · ∇J (the notebook's update)."""

    def __init__(self, lr):
        self.lr = lr

    def step(self, params, grads):
        for p, g in zip(params, grads, strict=True):
            p -= self.lr * g


class Momentum:
    """Gradient descent with a velocity v ← 0.9 · v + ∇J; θ ← θ − lr · v (as torch.optim.SGD)."""

    def __init__(self, lr, beta=MOMENTUM):
        self.lr, self.beta, self.velocity = lr, beta, None

    def step(self, params, grads):
        if self.velocity is None:
            self.velocity = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.velocity, strict=True):
            v *= self.beta
            v += g
            p -= self.lr * v


class RMSprop:
    """Divide each step by a running size of recent gradients, so steep and flat directions move alike."""

    def __init__(self, lr, alpha=RMSPROP_ALPHA, eps=EPS):
        self.lr, self.alpha, self.eps, self.square_avg = lr, alpha, eps, None

    def step(self, params, grads):
        if self.square_avg is None:
            self.square_avg = [np.zeros_like(p) for p in params]
        for p, g, s in zip(params, grads, self.square_avg, strict=True):
            s *= self.alpha
            s += (1 - self.alpha) * g * g
            p -= self.lr * g / (np.sqrt(s) + self.eps)


class Adam:
    """Momentum and RMSprop together, with a correction for their zero start (as torch.optim.Adam)."""

    def __init__(self, lr, beta1=ADAM_BETAS[0], beta2=ADAM_BETAS[1], eps=EPS):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t, self.m, self.v = 0, None, None

    def step(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        step_size = self.lr / (1 - self.beta1**self.t)
        v_correction = math.sqrt(1 - self.beta2**self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v, strict=True):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            p -= step_size * m / (np.sqrt(v) / v_correction + self.eps)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "rmsprop": RMSprop, "adam": Adam}


# ---------------------------------------------------------------------------------------------------------
# The network.


class NumpyNet:
    def __init__(self, exp: Experiment, params):
        self.dtype = np.dtype(exp.dtype)
        self.activations = [*exp.activations, "sigmoid"]
        self.W = [np.array(W, dtype=self.dtype) for W, _ in params]
        self.b = [np.array(b, dtype=self.dtype).reshape(-1, 1) for _, b in params]
        self.configure(exp)

    def configure(self, exp: Experiment) -> None:
        """Take the live-safe settings: loss, regularisation, learning rate, optimizer."""
        self.loss_name, self.reg, self.reg_rate = exp.loss, exp.reg, exp.reg_rate
        optimizer_class = OPTIMIZERS[exp.optimizer]
        if not isinstance(getattr(self, "optimizer", None), optimizer_class):
            self.optimizer = optimizer_class(exp.lr)  # a new optimizer starts with an empty memory
        self.optimizer.lr = exp.lr

    # 1. forward ------------------------------------------------------------------------------------------
    def forward(self, X):
        """X has one column per point. Returns the output logits Z, probabilities A and the caches."""
        A = X
        caches = []
        for W, b, name in zip(self.W, self.b, self.activations, strict=True):
            Z = W @ A + b
            caches.append((A, Z))
            A = ACTIVATIONS[name][0](Z)
            caches[-1] += (A,)
        return Z, A, caches

    # the loss: how wrong are we? -------------------------------------------------------------------------
    def loss(self, Z_out, A_out, Y):
        """Mean loss over the points, plus the regulariser's penalty on the weights."""
        if self.loss_name == "bce":
            # −[y·log(a) + (1−y)·log(1−a)] with a = σ(z), rewritten so that no log(0) or e^big can happen
            data_loss = np.mean(np.maximum(Z_out, 0) - Z_out * Y + np.logaddexp(0, -np.abs(Z_out)))
        else:  # mse, the slides' J = ½ Σ (y − φ(x))², averaged over the points
            data_loss = 0.5 * np.mean((A_out - Y) ** 2)
        if self.reg == "l1":
            data_loss += self.reg_rate * sum(np.abs(W).sum() for W in self.W)
        elif self.reg == "l2":
            data_loss += self.reg_rate * 0.5 * sum((W * W).sum() for W in self.W)
        return float(data_loss)

    # 2. backward -----------------------------------------------------------------------------------------
    def backward(self, Y, caches):
        """Gradients of the loss for every W and b, from the last layer to the first."""
        m = Y.shape[1]
        last = len(self.W) - 1
        dW, db = [None] * len(self.W), [None] * len(self.b)
        dA = None  # the gradient arriving from the layer above; the output layer has none
        for l in range(last, -1, -1):
            A_prev, Z, A = caches[l]
            if l == last and self.loss_name == "bce":
                dZ = (A - Y) / m  # sigmoid and cross-entropy together have this simple derivative
            elif l == last:
                dZ = (A - Y) / m * A * (1 - A)  # mse: dJ/dA times the sigmoid's slope
            else:
                dZ = dA * ACTIVATIONS[self.activations[l]][1](Z, A)  # dA came from the layer above
            dW[l] = dZ @ A_prev.T
            db[l] = dZ.sum(axis=1, keepdims=True)
            dA = self.W[l].T @ dZ  # what this layer hands down to the one below
            if self.reg == "l1":
                dW[l] += self.reg_rate * np.sign(self.W[l])
            elif self.reg == "l2":
                dW[l] += self.reg_rate * self.W[l]
        return dW, db

    # 3. update -------------------------------------------------------------------------------------------
    def train_step(self, X, Y):
        """One forward, backward and update on a batch. Returns the batch's loss and correct count
        measured before the update (they come free with the forward pass)."""
        Z, A, caches = self.forward(X)
        loss = self.loss(Z, A, Y)
        dW, db = self.backward(Y, caches)
        self.optimizer.step(self.W + self.b, dW + db)
        return loss, int(((A > 0.5) == (Y > 0.5)).sum())

    # helpers for the trainer and the tests ---------------------------------------------------------------
    def gradients(self, X, Y):
        Z, A, caches = self.forward(X)
        dW, db = self.backward(Y, caches)
        return self.loss(Z, A, Y), [(w, b[:, 0]) for w, b in zip(dW, db, strict=True)]

    def evaluate(self, X, Y):
        """(loss, accuracy) without changing anything."""
        Z, A, _ = self.forward(X)
        return self.loss(Z, A, Y), float(((A > 0.5) == (Y > 0.5)).mean())

    def predict(self, X):
        return self.forward(X)[1][0]

    def neuron(self, X, layer, unit):
        """What one hidden unit outputs for each point (TF Playground's per-neuron picture)."""
        return self.forward(X)[2][layer][2][unit]

    def params(self):
        return [(W.astype(np.float64), b[:, 0].astype(np.float64)) for W, b in zip(self.W, self.b, strict=True)]

    def prepare(self, X, y):
        """Points as columns in this net's dtype: the layout the notebook uses."""
        return np.ascontiguousarray(X.T, dtype=self.dtype), y.reshape(1, -1).astype(self.dtype)
