"""The optimizers' and activations' fixed constants, defined once for every net that uses them.

The teaching net, the fast NumPy net, the PyTorch net, the stacked nets and the Learn screen's formulas all
read these, so they cannot drift apart. They are PyTorch's defaults, which the workshop's notebooks used.
"""

MOMENTUM = 0.9  # SGD with momentum: v ← MOMENTUM·v + ∇J
RMSPROP_ALPHA = 0.99  # RMSprop: s ← α·s + (1 − α)·(∇J)²
ADAM_BETAS = (0.9, 0.999)  # Adam: the running means of the gradient and of its square
EPS = 1e-8  # keeps RMSprop's and Adam's division away from zero
LEAKY_SLOPE = 0.01  # leaky relu's slope below zero
