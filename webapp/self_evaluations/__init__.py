"""The self-evaluation pages: rounds, a round's evaluations, one evaluation, its task pages."""
