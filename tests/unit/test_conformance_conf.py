"""The Tempest configuration the conformance runner writes matches what the cloud announces."""
import pathlib
import re

from services.compute.api import microversion

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_tempest_compute_max_microversion_is_the_apis():
    text = (ROOT / 'tools/conformance/tempest_conf.py').read_text()
    default = re.search(r"COMPUTE_MAX_MICROVERSION', '([0-9.]+)'", text).group(1)
    assert default == '%d.%d' % microversion.MAX_VERSION
