"""The domains: what each stage of the assessment measures, as numbers and typed results.

Customers (churn, loyalty, cohorts, survival), customer value (CLV fitters), satisfaction
surveys, the plan's data inventory, benefits, finance (cash flows, NPV, payback) and the
appraisal of risk. They build on the data and statistics layers and the KPI catalog; the
sentences that explain their results live in :mod:`crmkit.words`.
"""
