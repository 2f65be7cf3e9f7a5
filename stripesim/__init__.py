"""stripesim: a local, stateful emulator of the Stripe API surface sfpay uses.

Python API (what tests, `sfpay local up` and the harness use):

    from stripesim import SimConfig as SimConfig, create_app as create_app, start_sim as start_sim, DEFAULT_API_KEY as DEFAULT_API_KEY

    with start_sim() as sim:                 # uvicorn in a thread on a free port
        client = sim.stripe_client()         # stripe.StripeClient pointed at the emulator
        sim.admin.add_fault(method="POST", path="/v1/invoices", fault="500")

`create_app(SimConfig(...))` returns the Starlette app to serve any other way.
"""

from typing import TYPE_CHECKING

from sfpay.lazy import lazy_exports

if TYPE_CHECKING:
    # What the lazy exports resolve to, for type checkers and IDEs; at run time each
    # module is imported on first attribute access (sfpay/lazy.py).
    from stripesim.config import (
        DEFAULT_API_KEY as DEFAULT_API_KEY,
    )
    from stripesim.config import (
        DEFAULT_API_VERSION as DEFAULT_API_VERSION,
    )
    from stripesim.config import (
        SimConfig as SimConfig,
    )
    from stripesim.http.app import create_app as create_app
    from stripesim.running import RunningSim as RunningSim
    from stripesim.running import SimAdmin as SimAdmin
    from stripesim.running import start_sim as start_sim

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
