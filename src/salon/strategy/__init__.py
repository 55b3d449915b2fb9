"""From a goal to a strategy: goals (:mod:`~salon.strategy.goals`), the plan
(:mod:`~salon.strategy.plan`), its weekly time budget (:mod:`~salon.strategy.budget`), its
milestones and their progress (:mod:`~salon.strategy.milestones`), and the one sentence of
advice that leads every answer (:mod:`~salon.strategy.advice`).

The plan composes the public questions of :mod:`salon.insights` (influencers, win, where,
forecast, lead-lag, meet, nudges, funnel); it computes no score of its own."""
