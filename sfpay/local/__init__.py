"""The local stack: generator (the spec's settings), orgsim and stripesim (background
processes), pipeline (CumulusCI registration) composed in one place, above all of them.

`sfpay.local.api` is the typed entry point (the `sfpay local` commands and the harness use
it); `stack` starts, checks and stops the processes; `deploy_checks` is the validator the
org server runs on deploys. Cheap to import: the modules load on use.
"""
