"""Tests of the rules: rule kinds, the Regulation and its checks, TOML in and out."""
