# Lion with beta1 = 0.95, beta2 = 0.98, the setting Chen et al. (2023) suggest for stability in
# language-model training; otherwise as dsl/optimizers/lion.dsl.
def train(w, g, m, lr):
    update = interp(g, m, 0.95)
    update = sign(update)
    m = interp(g, m, 0.98)
    wd = w * 0.1
    update = update + wd
    lr = lr * 0.0003
    update = update * lr
    return update, m
