"""The data layer: parameters, table schemas, reading, dates, validation and data quality.

Everything above it reads the client's folder through this layer only. It also holds the
typed values that travel upwards: the guard codes that keep a number from being claimed
(:mod:`crmkit.data.guards`), the verdicts and statuses (:mod:`crmkit.data.verdicts`) and the
errors crmkit raises (:mod:`crmkit.data.exceptions`).
"""
