"""Runs exported optimizers over multi-step cases for tests/export: reads a jobs file written by
harness.ts and prints, per job and case, the weights and state slots after each step as JSON."""
import base64
import importlib.util
import json
import sys
import traceback

import numpy as np


def array(text):
    return np.frombuffer(base64.b64decode(text), dtype="<f4").copy()


def text(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode()


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_numpy(module, name, slots, case):
    init, step = getattr(module, f"{name.lower()}_init"), getattr(module, f"{name.lower()}_step")
    shape = case["shape"]
    w = array(case["w0"]).reshape(shape)
    state = init(w)
    ws, states = [], []
    for g, lr in zip(case["grads"], case["lrs"]):
        w, state = step(w, array(g).reshape(shape), state, lr=lr)
        assert w.shape == tuple(shape) and w.dtype == np.float32
        ws.append(text(w))
        states.append([text(state[s]) for s in slots])
    return {"ws": ws, "slots": states}


def run_pytorch(module, name, slots, case):
    import torch

    shape = case["shape"]
    p = torch.nn.Parameter(torch.from_numpy(array(case["w0"]).reshape(shape)))
    optimizer = getattr(module, name)([p])
    ws, states = [], []
    for g, lr in zip(case["grads"], case["lrs"]):
        p.grad = torch.from_numpy(array(g).reshape(shape))
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.step()
        assert p.shape == tuple(shape) and p.dtype == torch.float32
        ws.append(text(p.detach().numpy()))
        states.append([text(optimizer.state[p][s].numpy()) for s in slots])
    return {"ws": ws, "slots": states}


def run_optax(module, name, slots, case):
    """The optax export under jax_standin: parameters are a list of two arrays (the case's and its
    negation), and the first one's trajectory is reported."""
    factory = getattr(module, name.lower())
    shape = case["shape"]
    params = [array(case["w0"]).reshape(shape), -array(case["w0"]).reshape(shape)]
    optimizer = factory(learning_rate=lambda count: lrs[int(count)])
    lrs = case["lrs"]
    state = optimizer.init(params)
    ws, states = [], []
    for g in case["grads"]:
        grads = [array(g).reshape(shape), -array(g).reshape(shape)]
        with np.errstate(all="ignore"):
            updates, state = optimizer.update(grads, state, params)
        params = [w + u for w, u in zip(params, updates)]
        assert all(w.dtype == np.float32 and w.shape == tuple(shape) for w in params)
        ws.append(text(params[0]))
        states.append([text(getattr(state, s)[0]) for s in slots])
    return {"ws": ws, "slots": states}


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    if spec["kind"] == "optax":
        import jax_standin

        jax_standin.install()
    run = {"numpy": run_numpy, "pytorch": run_pytorch, "optax": run_optax}[spec["kind"]]
    results = []
    for job in spec["jobs"]:
        try:
            module = load(job["module"], job["name"])
            results.append([run(module, job["name"], job["slots"], case) for case in job["cases"]])
        except Exception:
            results.append([{"error": traceback.format_exc()}] * len(job["cases"]))
    json.dump(results, sys.stdout)


main()
