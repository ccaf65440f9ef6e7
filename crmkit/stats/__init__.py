"""The statistics layer: before/after tests, time series, difference-in-differences.

Functions take numbers or DataFrames and return tidy result frames with typed statuses; they
write no sentence. Shared primitives (alpha checks, critical values, Wilson intervals, the
minimum detectable effect) are defined once in :mod:`crmkit.stats.primitives`.
"""
