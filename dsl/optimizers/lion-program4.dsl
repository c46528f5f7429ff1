# The Lion search's Program 4 (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"):
# the best program after search, funnel selection and automatic redundancy removal, before the
# manual simplification to Lion. Constants as found: 0.899 and 1.109 (two interps that together act
# as beta1 of about 0.9 for the update and an average of v with beta2 of about 0.997), weight decay
# 0.4602, learning-rate multiplier 0.0002. `m = cosh(update)` is dead: m is overwritten next step
# before it is read.
def train(w, g, m, v, lr):
    g = clip(g, lr)
    g = arcsin(g)
    m = interp(g, v, 0.899)
    m2 = m * m
    v = interp(g, m, 1.109)
    abs_m = sqrt(m2)
    update = m / abs_m
    wd = w * 0.4602
    update = update + wd
    lr = lr * 0.0002
    m = cosh(update)
    update = update * lr
    return update, m, v
