"""Exchange with other systems: pure builders of the formats CareCoord writes (no Qt, no DB)."""
