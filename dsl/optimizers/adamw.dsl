# AdamW (Loshchilov & Hutter, 2019, decoupled weight decay) as the Lion search's initial program:
# Program 3 of Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms", without bias
# correction and without epsilon, exactly as the search was seeded.
# beta1 = 0.9 (m), beta2 = 0.999 (v), weight decay 0.01, learning-rate multiplier 0.001.
# Division by exactly 0 gives 0 in this language, so a zero gradient on a fresh (zero) state gives
# a zero update instead of NaN.
def train(w, g, m, v, lr):
    g2 = square(g)
    m = interp(g, m, 0.9)
    v = interp(g2, v, 0.999)
    sqrt_v = sqrt(v)
    update = m / sqrt_v
    wd = w * 0.01
    update = update + wd
    lr = lr * 0.001
    update = update * lr
    return update, m, v
