"""The music model: small immutable value types for pitches, intervals, modes and voices."""
