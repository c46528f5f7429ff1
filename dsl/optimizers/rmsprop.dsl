# RMSprop (Tieleman & Hinton, 2012, Coursera "Neural Networks for Machine Learning", lecture 6e):
# v = 0.9 * v + 0.1 * g * g, update = lr * 0.001 * g / (sqrt(v) + 1e-8).
# 0.9 is the decay of the squared-gradient average (the lecture's value; PyTorch's default is
# 0.99), 1e-8 is epsilon and 0.001 the learning-rate multiplier (Keras's default lr).
def train(w, g, v, lr):
    g2 = square(g)
    v = interp(g2, v, 0.9)
    denom = sqrt(v) + 1e-8
    update = g / denom
    lr = lr * 0.001
    update = update * lr
    return update, v
