"""Generated clients: the synthetic demo company and the shapes of client data tests run on.

They sit on the data layer (they write tables in its schemas) and beside everything else:
no statistics, no words. :mod:`crmkit.demo.synth` writes the demo client, and
:mod:`crmkit.demo.shapes` writes clients of many shapes (one go-live with three regions, a
staggered rollout, one pilot branch, no effect at all, ...).
"""
