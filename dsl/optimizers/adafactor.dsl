# Adafactor-style (Shazeer & Stern, 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory
# Cost"), without momentum as the paper proposes. Adafactor keeps the second moment of a weight
# matrix factored as row and column sums; that needs row and column reductions, which an
# elementwise dialect does not have, so this is the closest elementwise form: an unfactored second
# moment v for every tensor, which is what the paper does for weight vectors.
# Constants are the paper's: decay 1 - step ** -0.8 (beta2_t = 1 - t^-0.8), epsilon1 = 1e-30 added
# to g * g, update clipping threshold d = 1 (u / max(1, rms(u))), relative step size
# max(epsilon2, rms(w)) with epsilon2 = 1e-3, and the schedule rho_t = min(1e-2, 1 / sqrt(t)),
# which the trainer's lr multiplies.
def train(w, g, v, lr, step):
    g2 = square(g) + 1e-30
    decay = 1 - step ** -0.8
    v = interp(g2, v, decay)
    u = g / sqrt(v)
    u = u / max(1, rms(u))
    rho = min(0.01, step ** -0.5)
    scale = max(0.001, rms(w))
    lr = lr * rho * scale
    update = u * lr
    return update, v
