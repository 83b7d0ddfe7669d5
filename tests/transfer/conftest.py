import pytest
import time_machine

from .export_world import RECORDED_AT, build_registry_world


@pytest.fixture
def readers(hro, manager, ssr_advisor):
    return {"hro": hro, "manager": manager, "ssr_advisor": ssr_advisor}


@pytest.fixture
def registry_world(hro, manager, ssr_advisor, mission):
    """Rows for every list (export_world.py), recorded at RECORDED_AT."""
    with time_machine.travel(RECORDED_AT):
        build_registry_world(hro, manager, ssr_advisor, mission)
