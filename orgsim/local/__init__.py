"""The local stack: stripesim + the org server as background processes (`sfpay local up|status|down`)."""
