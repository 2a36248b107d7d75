"""Stepback's benchmark: an organisation at product scale, and the timings that matter.

Run it with ``make bench`` or ``python -m benchmarks --help``.
"""
