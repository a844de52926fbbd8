"""The memory store passes the store contract."""

import pytest

from regflow.adapters.memory import MemoryStore
from regflow.testing import StoreContract


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store(self) -> MemoryStore:
        return MemoryStore()
