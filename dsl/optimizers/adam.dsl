# Adam (Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1) with bias
# correction. Constants are the paper's defaults: beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 and
# step size 0.001 (the learning-rate multiplier). `step` is the 1-based step number t, so
# 1 - 0.9 ** step is the first moment's correction 1 - beta1^t (x ** y is |x| ** y, the same here
# since the base is positive).
def train(w, g, m, v, lr, step):
    m = interp(g, m, 0.9)
    g2 = square(g)
    v = interp(g2, v, 0.999)
    m_hat = m / (1 - 0.9 ** step)
    v_hat = v / (1 - 0.999 ** step)
    denom = sqrt(v_hat) + 1e-8
    update = m_hat / denom
    lr = lr * 0.001
    update = update * lr
    return update, m, v
