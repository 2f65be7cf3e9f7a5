"""stripesim: a local, stateful emulator of the Stripe API surface sfpay uses.

Python API (what tests, `sfpay local up` and the harness use):

    from stripesim import SimConfig, create_app, start_sim, DEFAULT_API_KEY

    with start_sim() as sim:                 # uvicorn in a thread on a free port
        client = sim.stripe_client()         # stripe.StripeClient pointed at the emulator
        sim.admin.add_fault(method="POST", path="/v1/invoices", fault="500")

`create_app(SimConfig(...))` returns the Starlette app to serve any other way.
"""

from sfpay.lazy import lazy_exports

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

__getattr__ = lazy_exports(globals(), _EXPORTS)
