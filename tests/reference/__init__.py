"""Straightforward earlier versions of code that was later made faster: oracles for differential tests."""
