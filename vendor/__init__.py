"""Vendored data (see README.md here), installed as the package `sfpay.vendor` (setup.py maps
this folder there) so the code finds it with importlib.resources."""
