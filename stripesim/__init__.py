"""stripesim: a local, stateful emulator of the Stripe API surface sfpay uses.

Python API (what tests, `sfpay local up` and the harness use):

    from stripesim import SimConfig, create_app, start_sim, DEFAULT_API_KEY

    with start_sim() as sim:                 # uvicorn in a thread on a free port
        client = sim.stripe_client()         # stripe.StripeClient pointed at the emulator
        sim.admin.add_fault(method="POST", path="/v1/invoices", fault="500")

`create_app(SimConfig(...))` returns the Starlette app to serve any other way.
"""

from stripesim.config import DEFAULT_API_KEY, DEFAULT_API_VERSION, SimConfig
from stripesim.http.app import create_app
from stripesim.running import RunningSim, SimAdmin, start_sim

__all__ = ["DEFAULT_API_KEY", "DEFAULT_API_VERSION", "SimConfig", "create_app", "start_sim", "RunningSim",
           "SimAdmin"]
