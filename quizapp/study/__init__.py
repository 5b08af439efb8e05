"""A study session, as the shells see it: what to ask next, how a local answer is
judged, which grade to propose, what was studied. No Textual, no torch."""
