"""Linking with other datasets: mapping profiles, the linker, its evaluation and the linksets
it writes."""
