"""The treatment-plan timeline: a pure date scale, pure item building, the painted widget."""
