"""Offline: places and distances, the proximity model (Allen curve), the meeting planner."""
