"""stripesim: a local, stateful emulator of the Stripe API surface sfpay uses.

Python API (what tests, `sfpay local up` and the harness use):

    from stripesim import SimConfig, create_app, start_sim, DEFAULT_API_KEY

    with start_sim() as sim:                 # uvicorn in a thread on a free port
        client = sim.stripe_client()         # stripe.StripeClient pointed at the emulator
        sim.admin.add_fault(method="POST", path="/v1/invoices", fault="500")

`create_app(SimConfig(...))` returns the Starlette app to serve any other way.
"""

# Attributes resolve on first use: `sfpay` imports this package for its command
# registration, and must not pay for the server and engine imports it does not run.
import importlib

_EXPORTS = {
    "DEFAULT_API_KEY": "stripesim.config",
    "DEFAULT_API_VERSION": "stripesim.config",
    "SimConfig": "stripesim.config",
    "create_app": "stripesim.http.app",
    "RunningSim": "stripesim.running",
    "SimAdmin": "stripesim.running",
    "start_sim": "stripesim.running",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
