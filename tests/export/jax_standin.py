"""A NumPy stand-in for the parts of jax and optax that the optax export uses, so that the tests can
run the export where JAX cannot be installed. It checks the export's names and its pytree plumbing
(init, update, slots, the sign of the returned updates), not JAX: jax.numpy is numpy here, and a
pytree is a flat list of arrays."""
import collections
import sys
import types

import numpy as np


class TreeDef:
    def __init__(self, count):
        self.count = count

    def flatten_up_to(self, tree):
        assert isinstance(tree, list) and len(tree) == self.count, tree
        return list(tree)

    def unflatten(self, leaves):
        leaves = list(leaves)
        assert len(leaves) == self.count
        return leaves


def tree_flatten(tree):
    assert isinstance(tree, list), "the stand-in supports lists of arrays only"
    return list(tree), TreeDef(len(tree))


def tree_map(fn, tree):
    return [fn(x) for x in tree]


def install():
    jnp = types.ModuleType("jax.numpy")
    jnp.__dict__.update({k: getattr(np, k) for k in dir(np) if not k.startswith("_")})
    tree_util = types.ModuleType("jax.tree_util")
    tree_util.tree_flatten, tree_util.tree_map = tree_flatten, tree_map
    jax = types.ModuleType("jax")
    jax.numpy, jax.tree_util = jnp, tree_util
    optax = types.ModuleType("optax")
    optax.GradientTransformation = collections.namedtuple("GradientTransformation", "init update")
    sys.modules.update({"jax": jax, "jax.numpy": jnp, "jax.tree_util": tree_util, "optax": optax})
