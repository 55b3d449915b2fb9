"""Intelligence the user keeps private: account plans, signals and the leak guard."""
