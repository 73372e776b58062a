"""A patient's chart: the window, its header and its tabs."""
