"""The pipeline: stages, notebook execution, the run context, results.json, client folders.

It runs the stage notebooks with papermill on warm kernels, renders them through
:mod:`crmkit.report`, and writes a complete report folder or none.
"""

import sys

# The notebook stack (nbformat, under papermill, nbclient and nbconvert) imports jsonschema,
# and jsonschema imports ``rfc3987_syntax`` when it is installed (Jupyter's event schemas pull
# it in), only to check "iri" strings; that import builds a grammar and costs about 2 s of
# every run's start. No notebook schema has an "iri" field: jsonschema skips the check when
# the module cannot be imported, which an entry of None in sys.modules arranges. A process
# that imported it before crmkit keeps it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
