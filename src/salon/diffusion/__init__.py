"""Diffusion: adoption stages, Bass forecasts, and influence maximisation (pure functions)."""
