"""The rules engine: load and check rule packs and policies, normalise text, match, decide."""
