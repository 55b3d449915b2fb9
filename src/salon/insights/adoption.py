"""Where buyers will be: adoption stages, forecasts, innovators, lead–lag, whom to win."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from salon.dates import iso
from salon.diffusion.bass import Backtest, BassFit, fit_bass
from salon.diffusion.censoring import Window, censoring
from salon.diffusion.choice import calibrated_interval, choose, predict
from salon.diffusion.stages import STAGES, adoption_counts, adoption_stages, innovativeness
from salon.errors import ConvergenceError, SalonError
from salon.graph.snapshot import GraphSnapshot
from salon.insights import PERIODS
from salon.insights.results import Adoption, Forecast, Innovators, LeadLag, Win
from salon.insights.who import (
    _segment_error,
    context,
    names_of,
    segment_agenda_setters,
    snapshot_spec,
)
from salon.store.adoptions import adoption_times, list_innovations, place_innovations
from salon.store.database import Store
from salon.store.facts import innovation_window, self_id
from salon.store.segments import Segment, segment_members, segment_rule


def _segment_times(
    store: Store, innovation: str, segment: str | None
) -> tuple[dict[int, float], int | None, Segment | None]:
    times = adoption_times(store, innovation)
    if segment is None:
        return times, None, None
    chosen = segment_rule(store, segment)
    members = segment_members(store, chosen)
    return {p: t for p, t in times.items() if p in members}, len(members), chosen


def adoption(
    store: Store,
    innovation: str,
    *,
    segment: str | None = None,
    method: str = "sd",
    log_time: bool = False,
    period: str = "month",
) -> Adoption:
    """Rogers' stage of every adopter of ``innovation`` (``tag:NAME``, ``platform:NAME``,
    ``channel:NAME``, ``follows:WHO``): innovators before μ − 2σ, early adopters before
    μ − σ, early majority before μ, late majority before μ + σ, laggards after (``method``
    ``"quantile"`` cuts at 2.5/16/50/84 %; ``log_time`` for skewed data). While the
    innovation is still spreading (the fitted Bass market exceeds today's adopters by 5 %),
    stages come from each adopter's rank among the fitted market. The censoring windows of
    the data are said (``censoring``).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.adoption(store, "tag:quantum-gate", period="week")
    >>> found.adopters == len(found.people), found.method
    (True, 'bass')
    >>> sorted(found.people[0])
    ['adopted', 'name', 'person', 'stage']
    """
    times, size, chosen = _segment_times(store, innovation, segment)
    if not times:
        raise SalonError(
            f"Nobody{' in the segment' if segment else ''} has adopted "
            f"'{innovation}'. Run 'salon innovations' to see what can be dated."
        )
    people_ids = np.array(list(times), dtype=np.int64)
    values = np.array(list(times.values()))
    notes: list[str] = []
    try:
        fit = _fit(values, size, period)
    except ConvergenceError as error:
        fit = None
        notes.append(f"Stages from the sample, not the Bass curve: {error}")
    spreading = fit is not None and fit.m > len(values) * 1.05
    result = adoption_stages(
        people_ids, values, method=method, log_time=log_time, eventual=fit.m if spreading else None
    )
    names = names_of(store, people_ids.tolist())
    order = np.argsort(values, kind="stable")
    return Adoption(
        innovation=innovation,
        segment=chosen.to_dict() if chosen else None,
        adopters=len(values),
        segment_size=size,
        method=result.method,
        bass=_fit_dict(fit) if fit else None,
        shares=result.shares(),
        censoring=_censoring(store, innovation, values, period),
        notes=notes,
        people=[
            {
                "person": int(people_ids[i]),
                "name": names.get(int(people_ids[i])),
                "adopted": iso(int(values[i])),
                "stage": STAGES[int(result.stages[i])],
            }
            for i in order
        ],
    )


def _fit(times: np.ndarray, size: int | None, period: str, bootstrap: int = 200) -> BassFit | None:
    start, step = float(times.min()), PERIODS[period]
    periods = int((times.max() - start) // step) + 1
    if periods < 4:
        return None
    counts = adoption_counts(times, start=start, period=step, periods=periods)
    try:
        return fit_bass(counts, m_max=size, bootstrap=bootstrap)
    except ValueError:
        return None


def _window(store: Store, innovation: str) -> Window | None:
    """The first and last record the store holds of the innovation's namespace or platform
    (:func:`salon.store.facts.innovation_window`)."""
    span = innovation_window(store, innovation)
    return Window(*span) if span else None


def _censoring(
    store: Store, innovation: str, times: np.ndarray, period: str
) -> dict[str, Any] | None:
    window = _window(store, innovation)
    if window is None or not len(times):
        return None
    return censoring(times, window, PERIODS[period], period)


def _fit_dict(fit: BassFit) -> dict[str, Any]:
    return {
        "p": fit.p,
        "q": fit.q,
        "m": fit.m,
        "p_interval": fit.interval("p"),
        "q_interval": fit.interval("q"),
        "m_interval": fit.interval("m"),
        "periods": fit.periods,
        "peak_period": fit.peak(),
        "at_bounds": fit.bounds_hit(),
        "unconverged_replicates": fit.unconverged_replicates,
    }


def forecast(
    store: Store,
    innovation: str,
    *,
    segment: str | None = None,
    horizon: int = 12,
    period: str = "month",
    backtest_periods: int = 0,
) -> Forecast:
    """Forecast the segment's adopters of ``innovation`` at +6 and +``horizon`` periods with
    the model that forecast the series' own held-out tail best: Bass, a damped trend or no
    growth (:func:`salon.diffusion.choice.choose`: fitted on the history minus the last
    quarter, at most ``horizon`` periods; the lowest MAPE wins, then refitted on the whole
    history). The 90 % prediction intervals are calibrated on the chosen model's own
    backtests on the series (:func:`salon.diffusion.choice.calibrated_interval`). The Bass
    fit is shown as well (p, q, m with 90 % intervals from 200 bootstrap refits). The history
    runs from the first adoption to the end of the data (the store's last record of the
    innovation's platform). With ``backtest_periods``, the same procedure runs on the history
    without its last periods and is scored on them. Forecasts never exceed the segment; a fit
    at a bound and a censoring window are said. The result keeps the Bass fit (``fit``, not in
    the JSON) and draws the forecast (:meth:`Forecast.svg`).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> outlook = salon.forecast(store, "tag:quantum-algorithms", period="week", horizon=12)
    >>> [f["horizon"] for f in outlook.forecasts]
    [6, 12]
    >>> outlook.forecasts[0]["adopters"] >= outlook.adopters
    True
    >>> outlook.model["chosen"] in ("bass", "damped trend", "no growth")
    True
    >>> "_fit" in outlook.to_dict(), outlook.svg().startswith("<svg")
    (False, True)
    """
    times, size, chosen = _segment_times(store, innovation, segment)
    values = np.array(list(times.values()))
    counts = _forecast_counts(store, innovation, values, period)
    if counts is None:
        raise SalonError(
            f"Too little adoption of '{innovation}' to forecast (at least 4 {period}s from "
            "the first adoption to the end of the data are needed). Try --period week or day."
        )
    outlook = _outlook(counts, horizon, size)
    fit = outlook["fit"]
    return Forecast(
        innovation=innovation,
        segment=chosen.to_dict() if chosen else None,
        period=period,
        adopters=len(values),
        segment_size=size,
        observed=counts.tolist(),
        model=outlook["model"] | {"reason": outlook["choice"].reason(period)},
        forecasts=[outlook["path"][h - 1] for h in sorted({min(6, horizon), horizon})],
        bass=_fit_dict(fit) if fit else None,
        censoring=_censoring(store, innovation, values, period),
        notes=outlook["notes"],
        backtest=_backtest(counts, backtest_periods, size) if backtest_periods else None,
        fit=fit,
        path=outlook["path"],
        horizon=horizon,
    )


def _forecast_counts(
    store: Store, innovation: str, times: np.ndarray, period: str
) -> np.ndarray | None:
    """Adoptions per period from the first adoption to the end of the data (the window's
    last record, or the last adoption), or None when that is fewer than 4 periods."""
    if not len(times):
        return None
    step = PERIODS[period]
    window = _window(store, innovation)
    start = float(times.min())
    end = max(float(times.max()), window.end if window else float(times.max()))
    periods = int((end - start) // step) + 1
    if periods < 4:
        return None
    return adoption_counts(times, start=start, period=step, periods=periods)


def _outlook(counts: np.ndarray, horizon: int, size: int | None) -> dict[str, Any]:
    """The model choice, the chosen model's forecasts 1..``horizon`` periods ahead with
    calibrated intervals, and the Bass fit (None when it cannot be fitted, with a note)."""
    notes: list[str] = []
    try:
        fit: BassFit | None = fit_bass(counts, m_max=size, bootstrap=200)
    except ConvergenceError as error:
        fit = None
        notes.append(f"No Bass fit: {error}")
    choice = choose(counts, horizon, size)
    steps = list(range(1, horizon + 1))
    point = predict(choice.model, counts, np.array(steps), size)
    low, high, used = calibrated_interval(choice.model, counts, steps, point, m_max=size)
    path = []
    for h, value, lo, hi in zip(steps, point, low, high, strict=True):
        row: dict[str, Any] = {
            "horizon": h,
            "adopters": float(value),
            "low": float(min(lo, value)),
            "high": float(max(hi, value)),
            "model": choice.model,
        }
        if size and value >= size:
            row["at_segment_size"] = True
        path.append(row)
    model = {
        "chosen": choice.model,
        "held_out_periods": choice.held_out,
        "held_out_mape": choice.errors,
        "interval_backtests": used,
    }
    return {"fit": fit, "choice": choice, "path": path, "model": model, "notes": notes}


def _backtest(counts: np.ndarray, hidden: int, size: int | None) -> dict[str, Any]:
    """The forecast procedure on the history without its last ``hidden`` periods, scored on
    them (with Bass alone and "no growth" beside it)."""
    if len(counts) - hidden < 4 or counts[:-hidden].sum() <= 0:
        raise SalonError(
            f"Too short a history to hide {hidden} periods: at least 4 with an adoption must "
            "remain."
        )
    history = counts[:-hidden]
    outlook = _outlook(history, hidden, size)
    row = outlook["path"][-1]
    actual = float(counts.sum())
    result = Backtest(hidden, actual, row["adopters"], row["low"], row["high"])
    fit = outlook["fit"]
    bass = float(fit.forecast(hidden)["adopters"]) if fit else None
    return {
        "hidden": hidden,
        "model": row["model"],
        "actual": actual,
        "forecast": result.forecast,
        "low": result.low,
        "high": result.high,
        "error": result.error,
        "covered": result.covered,
        "bass_forecast": bass,
        "bass_error": abs(bass - actual) / actual if bass is not None and actual else None,
        "no_growth_error": abs(float(history.sum()) - actual) / actual if actual else None,
    }


def innovators(store: Store, segment: str, *, top: int = 20, min_adopters: int = 5) -> Innovators:
    """The segment's most innovative people: minus their mean z-score of adoption time over
    every innovation with at least ``min_adopters`` adopters in the segment.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.innovators(store, "platform:quantumcomputing", top=3)
    >>> found.innovations > 0, len(found.innovators)
    (True, 3)
    >>> sorted(found.innovators[0])
    ['innovations', 'innovativeness', 'name', 'person']
    """
    chosen = segment_rule(store, segment)
    members = segment_members(store, chosen)
    adoptions = {}
    for item in list_innovations(store, min_adopters=min_adopters, limit=200):
        times = {p: t for p, t in adoption_times(store, item.name).items() if p in members}
        if len(times) >= min_adopters:
            adoptions[item.name] = times
    scores = innovativeness(adoptions, min_adopters=min_adopters)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], kv[0]))[:top]
    names = names_of(store, [p for p, _ in ranked])
    return Innovators(
        segment=chosen.to_dict(),
        innovations=len(adoptions),
        innovators=[
            {"person": p, "name": names.get(p), "innovativeness": round(s, 3), "innovations": n}
            for p, (s, n) in ranked
        ],
    )


def win(
    store: Store,
    segment: str,
    *,
    k: int = 10,
    epsilon: float = 0.1,
    exclude_known: bool = False,
    seed: int = 0,
    check_runs: int = 500,
    weights: Mapping[str, float] | None = None,
) -> Win:
    """The k people whose influence reaches most of the segment (IMM, Tang, Shi & Xiao
    2015, on the weighted cascade), each with the marginal gain (estimated on RR sets
    independent of the selection), a Monte-Carlo check of the expected spread
    (``check_runs``), and whether it meets (1 − 1/e − ε) of IMM's lower bound on the best
    reach among the people allowed (``exclude_known`` leaves out people you have a tie with,
    and bounds OPT with the same exclusions).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> plan = salon.win(store, "tag:quantum-algorithms", k=2, check_runs=50)
    >>> len(plan.seeds), plan.seeds[-1]["cumulative_share"] == round(plan.expected_share, 4)
    (2, True)
    """
    from salon.diffusion.imm import Cascade, imm, monte_carlo_spread  # numba: compiled here

    ctx = context(store, segment, spec=snapshot_spec(weights))
    _segment_error(ctx)
    snapshot = ctx.snapshot
    targets = snapshot.index(ctx.members)
    targets = targets[targets >= 0]
    exclude = _known(store, snapshot) if exclude_known else None
    cascade = Cascade.weighted(snapshot)
    chosen = imm(snapshot, targets, k, epsilon=epsilon, exclude=exclude, seed=seed, cascade=cascade)
    ids = [int(snapshot.people[i]) for i in chosen.nodes]
    names = names_of(store, ids)
    checked = (
        monte_carlo_spread(
            snapshot, chosen.nodes, targets, runs=check_runs, seed=seed, cascade=cascade
        )
        if chosen.nodes
        else 0.0
    )
    cumulative = np.cumsum(chosen.gains) if chosen.gains else []
    return Win(
        segment=ctx.segment.to_dict(),
        segment_in_graph=len(targets),
        k=k,
        epsilon=epsilon,
        rr_sets=chosen.rr_sets,
        rr_bytes=chosen.rr_bytes,
        expected_reach=chosen.spread,
        expected_share=chosen.share,
        selection_reach=chosen.selection_spread,
        monte_carlo_reach=checked,
        excluded=chosen.excluded,
        opt_lower_bound=chosen.opt_lower_bound,
        guaranteed_reach=chosen.guarantee,
        bound_holds=chosen.bound_holds,
        seeds=[
            {
                "rank": i + 1,
                "person": pid,
                "name": names.get(pid),
                "marginal_gain": round(g, 3),
                "cumulative_share": round(float(cumulative[i]) / max(len(targets), 1), 4),
                "in_segment": bool(np.isin(node, targets)),
            }
            for i, (pid, g, node) in enumerate(zip(ids, chosen.gains, chosen.nodes, strict=True))
        ],
    )


def _known(store: Store, snapshot: GraphSnapshot) -> np.ndarray | None:
    """You and the people you have a tie with, as nodes (None when you are not in the graph)."""
    me = self_id(store)
    node = int(snapshot.index([me])[0]) if me is not None else -1
    if node < 0:
        return None
    known = np.concatenate(
        [[node], snapshot.matrix[node].indices, snapshot.matrix[:, node].nonzero()[0]]
    )
    return np.unique(known)


def lead_lag(
    store: Store,
    segment: str,
    *,
    setters: int = 20,
    min_adopters: int = 3,
    weights: Mapping[str, float] | None = None,
) -> LeadLag:
    """For each platform and channel: how many months after the segment's ``setters``
    agenda-setters the segment itself adopted it (difference of median first-use times), so
    the answer reads "the influencers are there now; your buyers follow about k months
    later". A channel needs ``min_adopters`` members of the segment there.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.lead_lag(store, "tag:quantum-algorithms", setters=5, min_adopters=1)
    >>> found.agenda_setters
    5
    >>> [c["channel"] for c in found.channels]
    ['channel:quantumcomputing.stackexchange.com', 'platform:quantumcomputing']
    """
    ctx = context(store, segment, spec=snapshot_spec(weights))
    _segment_error(ctx)
    leaders = {f.person for f in segment_agenda_setters(store, ctx, top=setters)}
    members = set(ctx.members.tolist())
    rows = []
    for name in place_innovations(store, min_adopters=min_adopters, limit=500):
        times = adoption_times(store, name)
        lead = [t for p, t in times.items() if p in leaders]
        follow = [t for p, t in times.items() if p in members and p not in leaders]
        if not lead or len(follow) < min_adopters:
            continue
        months = (float(np.median(follow)) - float(np.median(lead))) / PERIODS["month"]
        rows.append(
            {
                "channel": name,
                "agenda_setters_there": len(lead),
                "segment_there": len(follow),
                "segment_size": len(members),
                "agenda_setters_median": iso(int(np.median(lead))),
                "segment_median": iso(int(np.median(follow))),
                "lag_months": round(months, 1),
            }
        )
    rows.sort(key=lambda r: (-r["lag_months"], r["channel"]))
    return LeadLag(segment=ctx.segment.to_dict(), agenda_setters=len(leaders), channels=rows)
