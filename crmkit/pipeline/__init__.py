"""The pipeline: stages, notebook execution, the run context, results.json, client folders.

It runs the stage notebooks with papermill on warm kernels, renders them through
:mod:`crmkit.report`, and writes a complete report folder or none.
"""
