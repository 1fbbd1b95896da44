"""One module per area of the site; each has `register(services)` adding its routes."""
