# Signum: signSGD with momentum (Bernstein et al., 2018, "signSGD: Compressed Optimisation for
# Non-Convex Problems", Algorithm 3): update = lr * sign(m) with m = 0.9 * m + 0.1 * g.
# 0.9 is the momentum coefficient. The weight decay 0.1 and learning-rate multiplier 0.0003 are the
# ones of lion.dsl, so the two differ only in Lion's second beta: this is the single-beta ablation
# that the Lion paper (section 4.6) found worse than Lion.
def train(w, g, m, lr):
    m = interp(g, m, 0.9)
    update = sign(m)
    wd = w * 0.1
    update = update + wd
    lr = lr * 0.0003
    update = update * lr
    return update, m
