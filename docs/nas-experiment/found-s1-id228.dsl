# rank 1 | id 228 | stage 1 valLoss 2.036946341395378 | fingerprint 430e72bb0c4019ee
def block(x):
    h = layer_norm(dconv(x, 31))
    q = dense(h, width)
    x = gelu(x)
    k = dense(h, width)
    v = dense(h, width)
    x = x
    f = gelu(dconv(dense(layer_norm(dconv(x, 3)), width / 2), 3))
    return x + dense(f, width)
