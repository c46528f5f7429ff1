# Signum with beta = 0.99: the second single-beta ablation of Lion (Chen et al., 2023, section 4.6).
# Identical to dsl/optimizers/signum.dsl (beta 0.9) except for the momentum coefficient, which is
# Lion's beta2: update = lr * (sign(m) + 0.1 * w) with m = 0.99 * m + 0.01 * g.
def train(w, g, m, lr):
    m = interp(g, m, 0.99)
    update = sign(m)
    wd = w * 0.1
    update = update + wd
    lr = lr * 0.0003
    update = update * lr
    return update, m
