"""The access matrix's world (one object of every kind, in the workspace "spark") is the
ground the concurrency inventories play on."""

from tests.test_access_matrix import world  # noqa: F401  (a fixture)
