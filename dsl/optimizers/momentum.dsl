# SGD with heavy-ball momentum (Polyak, 1964), in the form PyTorch's SGD uses:
# m = 0.9 * m + g, w = w - lr * 0.01 * m.
# 0.9 is the momentum coefficient; 0.01 is the learning-rate multiplier. The undamped buffer m sums
# about 1 / (1 - 0.9) = 10 gradients, so the multiplier is ten times smaller than sgd.dsl's 0.1.
def train(w, g, m, lr):
    m = m * 0.9
    m = m + g
    lr = lr * 0.01
    update = m * lr
    return update, m
