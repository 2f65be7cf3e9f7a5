"""REST API resources, one module per resource family; each exposes `routes(ctx)`."""
