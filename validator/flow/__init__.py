"""A read-only model of one Flow file: elements, connectors, paths and references."""
