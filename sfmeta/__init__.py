"""Salesforce facts, each coded once: the Metadata API XML namespace and helpers (`xml`), the
Flow model read from flow XML (`flow`), the Metadata API element order from the WSDL (`wsdl`),
the metadata-type table (`metadata_types`), `sfdx-project.json` (`sfdx_project`) and the
Stripe connector catalog (`connector`) and the objects and fields its package installs
(`connector_package`).

sfmeta imports nothing from sfpay's other packages (import-linter contract in pyproject.toml);
every package may import it. Data files (the WSDL, the catalog) are passed in by the caller,
which finds them with `sfpay.paths`.
"""
