"""Views: request in, response out; the work is in the package's modules."""
