"""Data shipped with accelsim: the paper's published tables and their errata."""
