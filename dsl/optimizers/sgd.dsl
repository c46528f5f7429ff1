# SGD: plain stochastic gradient descent (Robbins & Monro, 1951), w = w - lr * 0.1 * g.
# lr is the trainer's schedule value; 0.1 is the learning-rate multiplier, written as a constant
# like the AdamW seed's `lr * 0.001` so that evolution can tune it.
def train(w, g, lr):
    update = g * lr * 0.1
    return update
