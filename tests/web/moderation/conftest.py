"""KS2 moderation's world: a KS2 collection with both schools' data, school A moderated."""

from moderation_world import ks2, moderated, with_data  # noqa: F401 (fixtures, found by name)
