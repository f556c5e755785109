"""Hypothesis profiles, chosen by HYPOTHESIS_PROFILE: `ci` (default, a few hundred examples), `nightly` (10,000)."""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=300, deadline=None)
settings.register_profile("nightly", max_examples=10_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
