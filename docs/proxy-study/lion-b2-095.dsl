# Lion with a shorter second beta: update = sign(interp(g, m, 0.9)), m = interp(g, m, 0.95).
# beta2 = 0.95 is the lower end of the range that `symevo inspect --classify` accepts as Lion-like
# (ANCHORS section 7.1, [0.95, 0.999]); otherwise as dsl/optimizers/lion.dsl.
def train(w, g, m, lr):
    update = interp(g, m, 0.9)
    update = sign(update)
    m = interp(g, m, 0.95)
    wd = w * 0.1
    update = update + wd
    lr = lr * 0.0003
    update = update * lr
    return update, m
