"""Synthesis: judging the measured KPIs as a whole, and planning what comes next.

The method's stages 3 and 4 end the assessment with a judgement and a plan. This layer sits
above the measure layer (it reads this run's KPI results, the KPI catalog and the client's
benchmarks and actions tables) and below the words layer (it returns numbers and typed
statuses; every sentence about them is written in :mod:`crmkit.words`):

- :mod:`~crmkit.synthesis.status`: the typed standing of a KPI against its target;
- :mod:`~crmkit.synthesis.scorecard`: the balanced scorecard (targets, attainment, weights,
  coverage per perspective and overall);
- :mod:`~crmkit.synthesis.benchmarks`: each KPI against its industry benchmark;
- :mod:`~crmkit.synthesis.chain`: the cause-and-effect chain between the perspectives, tested
  where the data allow;
- :mod:`~crmkit.synthesis.actions`: the gaps, the candidate actions they call for, ranked by
  benefit index, and the action plan (the catalog of improvement actions and the client's own
  in :mod:`~crmkit.synthesis.action_catalog`; their money effect and cost in
  :mod:`~crmkit.synthesis.action_value`);
- :mod:`~crmkit.synthesis.history`: the same client's earlier runs, per-KPI deltas, targets
  reached (which files are earlier runs: :mod:`~crmkit.synthesis.earlier_runs`);
- :mod:`~crmkit.synthesis.tracking`: the tracking plan with control limits for the next period.
"""
