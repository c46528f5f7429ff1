# Primer-EZ (So et al. 2021) on the vanilla block, as the charlm twin's --act sqrelu --dconv:
# a causal depthwise convolution of width 3 after each of the Q, K and V projections, and
# squared ReLU in the feed-forward.
def block(x):
    h = layer_norm(x)
    q = dconv(dense(h, width), 3)
    k = dconv(dense(h, width), 3)
    v = dconv(dense(h, width), 3)
    x = x + dense(attention(q, k, v, heads=4), width)
    f = square(relu(dense(layer_norm(x), 4 * width)))
    return x + dense(f, width)
