# Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms", Program 1):
# update = sign(interp(g, m, beta1)), then m = interp(g, m, beta2), with beta1 = 0.9 and
# beta2 = 0.99 (the paper's defaults), weight decay lambda = 0.1, learning-rate multiplier 0.0003.
# The paper advises an lr 3-10x smaller than AdamW's and a lambda 3-10x larger, because a sign
# update has a larger norm: against the AdamW seed's 0.001 and 0.01 (adamw.dsl) that gives
# 0.0003 (about 3x smaller) and 0.1 (10x larger).
def train(w, g, m, lr):
    update = interp(g, m, 0.9)
    update = sign(update)
    m = interp(g, m, 0.99)
    wd = w * 0.1
    update = update + wd
    lr = lr * 0.0003
    update = update * lr
    return update, m
