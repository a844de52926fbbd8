"""Tests of the regflow command and its demo."""
