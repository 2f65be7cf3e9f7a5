"""sfpay generator: one YAML spec -> the complete Salesforce metadata for Stripe invoicing.

Pipeline: `spec` (load + validate the YAML into a typed model) -> `render` (Jinja2 templates
under `templates/`) -> `canonical` (Metadata API element order, 4-space indentation, stable
bytes) -> `output` (atomic write into `force-app/`, or `--check` against it).
"""
