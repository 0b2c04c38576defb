"""Entity extractors, one module per entity family (see entities.Extractors)."""
