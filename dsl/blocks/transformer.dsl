# The vanilla pre-norm Transformer block of the charlm twin (--act relu):
# causal multi-head self-attention, then a 4x feed-forward with ReLU, each a residual.
def block(x):
    h = layer_norm(x)
    q = dense(h, width)
    k = dense(h, width)
    v = dense(h, width)
    x = x + dense(attention(q, k, v, heads=4), width)
    f = relu(dense(layer_norm(x), 4 * width))
    return x + dense(f, width)
