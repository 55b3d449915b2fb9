"""Graph snapshots of the store, and the analytics that run on them (pure functions)."""
