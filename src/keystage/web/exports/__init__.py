"""Onward exports of a collection: to the DfE and for national benchmarking."""
